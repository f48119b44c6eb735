using System.IO.Pipelines;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// The cryptography half of the Dapr gRPC API: EncryptAlpha1 and DecryptAlpha1, bidirectional streams of chunks
/// (<c>StreamPayload</c> data with sequence numbers from 0) whose first message carries the options, as daprd's
/// pkg/api/grpc/crypto.go. The chunks feed the scheme as one stream; the output goes back in chunks numbered from 0.
/// </summary>
internal sealed class CryptoGrpcApi(CryptoService crypto) : IDaprGrpcApi
{
    /// <summary>How long daprd waits for the first message (the one with the options).</summary>
    public static readonly TimeSpan FirstMessageTimeout = TimeSpan.FromSeconds(5);

    public void Bind(GrpcMethodTable<DaprGrpcService> methods)
    {
        methods.DuplexStreaming<EncryptRequest, EncryptResponse>("EncryptAlpha1", Encrypt);
        methods.DuplexStreaming<DecryptRequest, DecryptResponse>("DecryptAlpha1", Decrypt);
    }

    private async Task Encrypt(IAsyncStreamReader<EncryptRequest> requests, IServerStreamWriter<EncryptResponse> responses, ServerCallContext call)
    {
        try
        {
            var first = await FirstAsync(requests, call.CancellationToken);
            var options = first.Options ?? throw CryptoService.BadRequest("first message does not contain the required options");
            if (options.KeyName.Length == 0)
                throw CryptoService.BadRequest("missing property 'keyName' in the options message");
            if (options.KeyWrapAlgorithm.Length == 0)
                throw CryptoService.BadRequest("missing property 'keyWrapAlgorithm' in the options message");
            var provider = crypto.Find(options.ComponentName);
            var encryptOptions = new EncryptOptions(options.KeyName, options.KeyWrapAlgorithm.ToUpperInvariant(),
                options.DataEncryptionCipher.ToUpperInvariant(), options.DecryptionKeyName, options.OmitDecryptionKeyName);

            ulong seq = 0;
            await WithInputAsync(first, requests, r => r.Payload, r => r.Options is not null, call.CancellationToken,
                (input, ct) => crypto.EncryptAsync(options.ComponentName, provider, encryptOptions, input,
                    async (chunk, t) => await responses.WriteAsync(new EncryptResponse { Payload = Chunk(chunk, seq++) }, t), ct));
        }
        catch (DaprApiException e)
        {
            throw e.ToRpc();
        }
        catch (CryptoOperationException e)
        {
            throw CryptoService.OperationFailed(e.Message).ToRpc();
        }
    }

    private async Task Decrypt(IAsyncStreamReader<DecryptRequest> requests, IServerStreamWriter<DecryptResponse> responses, ServerCallContext call)
    {
        try
        {
            var first = await FirstAsync(requests, call.CancellationToken);
            var options = first.Options ?? throw CryptoService.BadRequest("first message does not contain the required options");
            var provider = crypto.Find(options.ComponentName);

            ulong seq = 0;
            await WithInputAsync(first, requests, r => r.Payload, r => r.Options is not null, call.CancellationToken,
                (input, ct) => crypto.DecryptAsync(options.ComponentName, provider, options.KeyName, input,
                    async (chunk, t) => await responses.WriteAsync(new DecryptResponse { Payload = Chunk(chunk, seq++) }, t), ct));
        }
        catch (DaprApiException e)
        {
            throw e.ToRpc();
        }
        catch (CryptoOperationException e)
        {
            throw CryptoService.OperationFailed(e.Message).ToRpc();
        }
    }

    private static StreamPayload Chunk(ReadOnlyMemory<byte> data, ulong seq) => new() { Data = ByteString.CopyFrom(data.Span), Seq = seq };

    private static async Task<T> FirstAsync<T>(IAsyncStreamReader<T> requests, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FirstMessageTimeout);
        try
        {
            return await requests.MoveNext(timeout.Token)
                ? requests.Current
                : throw CryptoService.OperationFailed("error receiving the first message: EOF");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CryptoService.BadRequest("error waiting for first message: context deadline exceeded");
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw CryptoService.OperationFailed($"error receiving the first message: {e.Message}");
        }
    }

    /// <summary>
    /// Runs <paramref name="process"/> over the request chunks as one stream, fed by a pump that checks each chunk's
    /// sequence number and that no later message carries options; a broken request stream fails the reading side
    /// with daprd's message. The pump is stopped and awaited before this returns, so the call never outlives the handler.
    /// </summary>
    private static async Task WithInputAsync<T>(T first, IAsyncStreamReader<T> requests, Func<T, StreamPayload?> payload, Func<T, bool> hasOptions,
        CancellationToken cancellationToken, Func<Stream, CancellationToken, Task> process)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * SchemeV1.SegmentSize, resumeWriterThreshold: 2 * SchemeV1.SegmentSize));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(first, requests, payload, hasOptions, pipe.Writer, stop.Token);
        try
        {
            await using var input = pipe.Reader.AsStream();
            await process(input, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await pump;
        }
    }

    private static async Task PumpAsync<T>(T first, IAsyncStreamReader<T> requests, Func<T, StreamPayload?> payload, Func<T, bool> hasOptions,
        PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            ulong expected = 0;
            var message = first;
            while (true)
            {
                if (payload(message) is { } chunk)
                {
                    if (chunk.Seq != expected)
                        throw new CryptoOperationException($"invalid sequence number received: {chunk.Seq} (expected: {expected})");
                    expected++;
                    if (!chunk.Data.IsEmpty)
                        await writer.WriteAsync(chunk.Data.Memory, cancellationToken);
                }
                if (!await requests.MoveNext(cancellationToken))
                    break;
                message = requests.Current;
                if (hasOptions(message))
                    throw new CryptoOperationException("options found in non-leading message");
            }
            await writer.CompleteAsync();
        }
        catch (CryptoOperationException e)
        {
            await writer.CompleteAsync(e);
        }
        catch (Exception e) when (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            await writer.CompleteAsync(e);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or RpcException)
        {
            await writer.CompleteAsync(new CryptoOperationException($"error receiving message: {e.Message}", e));
        }
    }
}
