namespace ShopDapr.DevSidecar.Invocation;

/// <summary>daprd's method normalisation at the invocation edge: forbidden characters rejected, the path cleaned, no escape above the root.</summary>
internal static class MethodName
{
    /// <summary>The cleaned method, or null with <paramref name="error"/> set (daprd: InvalidArgument "invalid method: …").</summary>
    public static string? Normalize(string method, out string? error)
    {
        error = null;
        if (method.IndexOfAny(['#', '?', '\0']) >= 0)
        {
            error = $"invalid method: method contains forbidden character: \"{method}\"";
            return null;
        }
        for (var i = 0; i < method.Length; i++)
        {
            if (method[i] < 0x20 || method[i] == 0x7f)
            {
                error = $"invalid method: method contains control character at position {i}: \"{method}\"";
                return null;
            }
        }
        var rooted = method.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in method.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                    parts.RemoveAt(parts.Count - 1);
                else if (!rooted)
                    parts.Add(part);
                continue;
            }
            parts.Add(part);
        }
        while (parts.Count > 0 && parts[0] == "..")
            parts.RemoveAt(0);
        var cleaned = string.Join('/', parts);
        return rooted && cleaned.Length > 0 ? "/" + cleaned : cleaned;
    }
}
