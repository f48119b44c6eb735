using System.Text;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace ShopDapr.DevSidecar.Tests.Invocation;

public sealed class GrpcInvokeServiceTests
{
    [Fact]
    public async Task InvokeService_becomes_an_HTTP_call_to_the_app_and_its_answer_comes_back()
    {
        await using var apps = await TwoApps.StartAsync();
        using var channel = GrpcChannel.ForAddress(apps.A.Sidecar.GrpcEndpoint);
        var client = new DaprGrpc.DaprClient(channel);
        var ct = TestContext.Current.CancellationToken;

        using var call = client.InvokeServiceAsync(Request("echo", HTTPExtension.Types.Verb.Put, "v=2", """{"n":1}"""),
            new Metadata { { "x-custom", "grpc" } }, cancellationToken: ct);
        var response = await call;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal("""{"n":1}""", response.Data.Value.ToStringUtf8());
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("200", headers.GetValue("dapr-http-status"));
        Assert.Equal("b", headers.GetValue("x-app-name"));
        var seen = apps.AppB.Last;
        Assert.Equal(("PUT", "/echo", "?v=2"), (seen.Method, seen.Path, seen.Query));
        Assert.Equal("grpc", seen.Header("x-custom"));
        Assert.Equal("a", seen.Header("dapr-caller-app-id"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", seen.Header("traceparent"));
    }

    [Theory]
    [InlineData(404, StatusCode.NotFound, "Not Found")]
    [InlineData(500, StatusCode.Unknown, "Internal Server Error")]
    public async Task App_error_status_maps_to_daprds_gRPC_status(int httpStatus, StatusCode expected, string message)
    {
        await using var apps = await TwoApps.StartAsync();
        using var channel = GrpcChannel.ForAddress(apps.A.Sidecar.GrpcEndpoint);
        var client = new DaprGrpc.DaprClient(channel);

        using var call = client.InvokeServiceAsync(Request($"status/{httpStatus}", HTTPExtension.Types.Verb.Get, "", ""),
            cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal((expected, message), (error.StatusCode, error.Status.Detail));
        Assert.Equal(httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), (await call.ResponseHeadersAsync).GetValue("dapr-http-status"));
    }

    [Fact]
    public async Task Unknown_app_is_Internal_with_daprds_message()
    {
        await using var apps = await TwoApps.StartAsync();
        using var channel = GrpcChannel.ForAddress(apps.A.Sidecar.GrpcEndpoint);
        var client = new DaprGrpc.DaprClient(channel);
        var request = Request("x", HTTPExtension.Types.Verb.Get, "", "");
        request.Id = "nope";

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.InvokeServiceAsync(request, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("failed to invoke, id: nope, err: couldn't find service: nope", error.Status.Detail);
    }

    private static InvokeServiceRequest Request(string method, HTTPExtension.Types.Verb verb, string query, string json) => new()
    {
        Id = "b",
        Message = new InvokeRequest
        {
            Method = method,
            Data = new Any { Value = ByteString.CopyFrom(json, Encoding.UTF8) },
            ContentType = json.Length > 0 ? "application/json" : "",
            HttpExtension = new HTTPExtension { Verb = verb, Querystring = query },
        },
    };
}
