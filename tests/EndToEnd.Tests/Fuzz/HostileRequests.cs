using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ShopDapr.EndToEnd.Tests.Fuzz;

/// <summary>A generated request and what was done to it (for the failure message: seed and index reproduce it).</summary>
public sealed record HostileRequest(
    int Index,
    RouteSpec Route,
    string Method,
    string PathAndQuery,
    IReadOnlyList<(string Name, string Value)> Headers,
    byte[]? Body,
    string? ContentType,
    IReadOnlyList<string> Mutations,
    bool SurelyInvalid)
{
    public override string ToString() =>
        $"#{Index} {Method} {Shorten(PathAndQuery)} [{string.Join(", ", Mutations)}]" + (Body is null ? "" : $" body {Shorten(Encoding.UTF8.GetString(Body))}");

    private static string Shorten(string text) => text.Length <= 160 ? text : $"{text[..160]}…({text.Length} chars)";
}

/// <summary>The real ids and tokens of the shop under test, so generated requests reach its handlers.</summary>
public sealed record FuzzTargets(string CustomerToken, string AdminToken, Guid ProductId, string Sku);

/// <summary>
/// Seeded, repeatable generator of hostile requests over <see cref="FuzzRoutes.All"/>. Each request starts from one the
/// route accepts (its caller's real token, a valid body, real ids) and is then mutated. A request to a route that
/// changes state always gets at least one mutation that no correct handler may accept (a forged or missing token, a
/// body that is not the route's JSON, a field of the wrong type, out of range or missing, a wrong content type, an
/// unknown id, a missing or stale precondition), so its answer must be a 4xx and the shop's state must not move.
/// Reads get any mix of mutations and must simply never fail with a 5xx.
/// </summary>
public sealed class HostileRequests(int seed, FuzzTargets targets)
{
    private readonly Random _random = new(seed);
    private readonly string[] _forgedCustomer = HostileValues.ForgedTokens(targets.CustomerToken);
    private readonly string[] _forgedAdmin = HostileValues.ForgedTokens(targets.AdminToken);

    public IEnumerable<HostileRequest> Take(int count)
    {
        for (var i = 0; i < count; i++)
            yield return Next(i);
    }

    private HostileRequest Next(int index)
    {
        var route = FuzzRoutes.All[_random.Next(FuzzRoutes.All.Count)];
        var draft = new Draft(route, targets);
        var breakers = Breakers(route);
        // Noise first, the breaker last: noise on the same field or header must never undo what makes the request invalid.
        if (_random.NextDouble() < 0.4)
            Pick(Noise(route))(draft);
        if (route.Mutates)
            Pick(breakers)(draft);
        else
            for (var n = 1 + _random.Next(3); n > 0; n--)
                Pick(breakers.Concat(Noise(route)).ToList())(draft);
        return draft.Build(index, route.Mutates);
    }

    /// <summary>Mutations that make any request to <paramref name="route"/> one that must be refused.</summary>
    private List<Action<Draft>> Breakers(RouteSpec route)
    {
        var list = new List<Action<Draft>>();
        if (route.Caller != Caller.Anyone)
        {
            var forged = route.Caller == Caller.Admin ? _forgedAdmin : _forgedCustomer;
            list.Add(d => d.Token("forged-token", Pick(forged)));
            list.Add(d => d.Token("no-token", null));
            list.Add(d => d.Header("bad-auth-scheme", "Authorization", Pick(["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer  ", "bearer\t" + targets.CustomerToken[..10], "Negotiate x"])));
        }
        if (route.Caller == Caller.Admin)
            list.Add(d => d.Token("customer-on-admin-route", targets.CustomerToken));
        if (route.Template.Contains('{', StringComparison.Ordinal))
            list.Add(d => d.Segment("bad-id", Pick(HostileValues.BadSegments)(_random)));
        if (route.Body is { } body)
        {
            list.Add(d => d.RawBody("malformed-body", Encoding.UTF8.GetBytes(Pick(HostileValues.MalformedBodies)(_random))));
            list.Add(d => d.RawBody("not-utf8", Pick(HostileValues.NotUtf8)));
            list.Add(d => d.ContentType("wrong-content-type", Pick(HostileValues.WrongContentTypes)));
            list.Add(d => d.ContentType("no-content-type", null));
            var leaves = Leaves(body, "").ToList();
            list.Add(d =>
            {
                var (path, field) = Pick(leaves);
                d.Field($"wrong-type:{path}", path, Pick(HostileValues.WrongTypeFor(field.Kind)));
            });
            var required = leaves.Where(l => l.Field.Required).ToList();
            if (required.Count > 0)
                list.Add(d =>
                {
                    var (path, _) = Pick(required);
                    d.Field($"missing:{path}", path, _random.Next(2) == 0 ? null : "null");
                });
            var ranged = leaves.Where(l => HostileValues.OutOfRange(l.Path).Length > 0).ToList();
            if (ranged.Count > 0)
                list.Add(d =>
                {
                    var (path, _) = Pick(ranged);
                    d.Field($"out-of-range:{path}", path, Pick(HostileValues.OutOfRange(path)));
                });
            var nested = body.Where(f => f.Kind == FieldKind.Object).ToList();
            if (nested.Count > 0)
                list.Add(d => d.Field("deep-object", Pick(nested).Name, string.Concat(Enumerable.Repeat("{\"x\":", 200)) + "1" + new string('}', 200)));
        }
        if (route.RequiredHeader is { } header)
        {
            list.Add(d => d.RemoveHeader($"no-{header}", header));
            if (header == "If-Match")
                list.Add(d => d.Header("stale-if-match", header, Pick(["\"stale\"", "*", "W/\"1\"", "\"\"", "garbage"])));
        }
        if (route.Template.Contains("{sku}", StringComparison.Ordinal) && route.Mutates)
            list.Add(d => d.Segment("unknown-sku", "NOPE-" + _random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)));
        if (list.Count == 0)
            list.Add(d => d.Segment("bad-id", Pick(HostileValues.BadSegments)(_random)));
        return list;
    }

    /// <summary>Mutations that may or may not make the request invalid: odd text, headers, query values.</summary>
    private List<Action<Draft>> Noise(RouteSpec route)
    {
        var list = new List<Action<Draft>>
        {
            d =>
            {
                var (name, value) = Pick(HostileValues.OddHeaders)(_random);
                d.Header($"header:{name}", name, value);
            },
            d => d.Query("query:junk", Pick(["page", "pageSize", "x", "q", "sort", "page[]", "%00"]), Pick(HostileValues.BadQueryValues)(_random)),
        };
        if (route.Query is { } query)
        {
            list.Add(d => d.Query("query:bad", Pick(query), Pick(HostileValues.BadQueryValues)(_random)));
            list.Add(d =>
            {
                var name = Pick(query);
                d.Query("query:repeated", name, "1");
                d.Query("query:repeated", name, "2");
            });
        }
        if (route.Body is { } body)
        {
            var strings = Leaves(body, "").Where(l => l.Field.Kind == FieldKind.String).ToList();
            if (strings.Count > 0)
            {
                list.Add(d =>
                {
                    var (path, _) = Pick(strings);
                    d.Field($"odd-text:{path}", path, Pick(HostileValues.OddStrings));
                });
                list.Add(d =>
                {
                    var (path, _) = Pick(strings);
                    d.Field($"huge-text:{path}", path, JsonSerializer.Serialize(new string('x', 10_000 + _random.Next(100_000))));
                });
            }
            list.Add(d => d.Field("extra-field", "unexpected" + _random.Next(100).ToString(CultureInfo.InvariantCulture), "{\"__proto__\":{\"admin\":true}}"));
        }
        return list;
    }

    private static IEnumerable<(string Path, FieldSpec Field)> Leaves(IEnumerable<FieldSpec> fields, string prefix)
    {
        foreach (var field in fields)
        {
            var path = prefix + field.Name;
            yield return (path, field);
            if (field.Fields is { } children)
                foreach (var leaf in Leaves(children, path + "."))
                    yield return leaf;
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A request being built: starts valid for its route, then takes mutations.</summary>
    private sealed class Draft
    {
        private readonly RouteSpec _route;
        private readonly FuzzTargets _targets;
        private readonly Dictionary<string, string?> _fields = new(StringComparer.Ordinal);
        private readonly List<(string Name, string Value)> _headers = [];
        private readonly List<string> _query = [];
        private readonly List<string> _mutations = [];
        private string? _segment;
        private byte[]? _rawBody;
        private string? _contentType = "application/json";

        public Draft(RouteSpec route, FuzzTargets targets)
        {
            _route = route;
            _targets = targets;
            var token = route.Caller switch
            {
                Caller.Customer => targets.CustomerToken,
                Caller.Admin => targets.AdminToken,
                _ => null,
            };
            if (token is not null)
                _headers.Add(("Authorization", "Bearer " + token));
            if (route.RequiredHeader == "Idempotency-Key")
                _headers.Add(("Idempotency-Key", Guid.NewGuid().ToString()));
            if (route.RequiredHeader == "If-Match")
                _headers.Add(("If-Match", "\"00000000-0000-0000-0000-000000000000\""));
        }

        public void Token(string mutation, string? token)
        {
            Mark(mutation);
            _headers.RemoveAll(h => h.Name == "Authorization");
            if (token is not null)
                _headers.Add(("Authorization", "Bearer " + token));
        }

        public void Header(string mutation, string name, string value)
        {
            Mark(mutation);
            _headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
            _headers.Add((name, value));
        }

        public void RemoveHeader(string mutation, string name)
        {
            Mark(mutation);
            _headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        public void Segment(string mutation, string segment)
        {
            Mark(mutation);
            _segment = segment;
        }

        public void RawBody(string mutation, byte[] body)
        {
            Mark(mutation);
            _rawBody = body;
        }

        public void ContentType(string mutation, string? contentType)
        {
            Mark(mutation);
            _contentType = contentType;
        }

        /// <summary>Sets a body field (dotted path) to a raw JSON value; null leaves the field out.</summary>
        public void Field(string mutation, string path, string? json)
        {
            Mark(mutation);
            _fields[path] = json;
        }

        public void Query(string mutation, string name, string value)
        {
            Mark(mutation);
            _query.Add($"{name}={value}");
        }

        public HostileRequest Build(int index, bool mutates) => new(
            index, _route, _route.Method, PathAndQuery(), _headers, Body(), _route.Body is null && _rawBody is null ? null : _contentType,
            _mutations, mutates);

        private void Mark(string mutation) => _mutations.Add(mutation);

        private string PathAndQuery()
        {
            var path = _route.Template
                .Replace("{product}", _segment ?? _targets.ProductId.ToString(), StringComparison.Ordinal)
                .Replace("{sku}", _segment ?? Uri.EscapeDataString(_targets.Sku), StringComparison.Ordinal)
                .Replace("{order}", _segment ?? Guid.NewGuid().ToString(), StringComparison.Ordinal);
            return _query.Count == 0 ? path : $"{path}?{string.Join('&', _query)}";
        }

        private byte[]? Body()
        {
            if (_rawBody is not null)
                return _rawBody;
            return _route.Body is null ? null : Encoding.UTF8.GetBytes(Json(_route.Body, ""));
        }

        private string Json(IEnumerable<FieldSpec> fields, string prefix)
        {
            var members = new List<string>();
            foreach (var field in fields)
            {
                var path = prefix + field.Name;
                if (_fields.TryGetValue(path, out var raw))
                {
                    if (raw is not null)
                        members.Add($"{JsonSerializer.Serialize(field.Name)}:{raw}");
                    continue;
                }
                members.Add($"{JsonSerializer.Serialize(field.Name)}:{Valid(field, path)}");
            }
            foreach (var (path, raw) in _fields.Where(f => f.Key.StartsWith("unexpected", StringComparison.Ordinal) && prefix == ""))
                members.Add($"{JsonSerializer.Serialize(path)}:{raw}");
            return "{" + string.Join(',', members) + "}";
        }

        private string Valid(FieldSpec field, string path) => field.Kind switch
        {
            FieldKind.Object => Json(field.Fields ?? [], path + "."),
            FieldKind.Guid => JsonSerializer.Serialize(_targets.ProductId),
            _ => JsonSerializer.Serialize(field.Example),
        };
    }
}
