namespace ShopDapr.DevSidecar.Config;

/// <summary>
/// The operations of one app policy, matched as daprd's ACL trie matches them: path segments from the root;
/// <c>/*</c> matches one last segment, <c>/**</c> everything below (and the parent itself), <c>*</c> inside a segment
/// any characters, and an operation with no wildcard also covers the paths below it (<c>/orders</c> covers <c>/orders/1</c>).
/// Siblings are tried in the order declared, so a wildcard declared before a specific operation shadows it, as in daprd.
/// </summary>
internal sealed class OperationTree<T> where T : class
{
    private const string OneLevel = "/*";
    private const string AllLevels = "/**";

    private readonly Node _root = new("/");

    /// <summary>Adds an operation name that starts with '/'.</summary>
    public void Add(string operation, T rule)
    {
        var segments = Segments(operation);
        var node = _root;
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            var child = node.Children.FirstOrDefault(c => c.Segment == segments[i]);
            if (child is null)
            {
                child = new Node(segments[i]);
                node.Children.Add(child);
            }
            if (last)
                child.Rule ??= rule;
            node = child;
        }
    }

    /// <summary>The rule covering an operation that starts with '/', or null.</summary>
    public T? Find(string operation)
    {
        var segments = Segments(operation);
        Node? node = _root;
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            node = node.Match(segments[i], last);
            if (node is null)
                return null;
            if (node.Rule is not null)
            {
                var oneLevelWildcard = node.Segment.EndsWith(OneLevel, StringComparison.Ordinal) && !node.Segment.EndsWith(AllLevels, StringComparison.Ordinal);
                if (!last && oneLevelWildcard)
                    continue;
                return node.Rule;
            }
            if (last)
                return node.Match(OneLevel, last: true)?.Rule;
        }
        return null;
    }

    // "/a/b" → ["/a", "/b"]; "/" → ["/"]
    private static string[] Segments(string operation) =>
        operation.Split('/').Skip(1).Select(s => "/" + s).ToArray();

    private sealed class Node(string segment)
    {
        public string Segment { get; } = segment;
        public T? Rule { get; set; }
        public List<Node> Children { get; } = [];

        public Node? Match(string segment, bool last)
        {
            foreach (var child in Children)
            {
                if (child.Segment == segment)
                    return child;
                if (child.Segment == OneLevel)
                {
                    if (last)
                        return child;
                    continue;
                }
                if (child.Segment == AllLevels || Glob(segment, child.Segment))
                    return child;
            }
            return null;
        }

        // '*' stands for any run of characters, including none.
        private static bool Glob(string text, string pattern)
        {
            var t = 0;
            var p = 0;
            int star = -1, mark = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && pattern[p] != '*' && pattern[p] == text[t])
                {
                    t++;
                    p++;
                }
                else if (p < pattern.Length && pattern[p] == '*')
                {
                    star = p++;
                    mark = t;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    t = ++mark;
                }
                else
                {
                    return false;
                }
            }
            while (p < pattern.Length && pattern[p] == '*')
                p++;
            return p == pattern.Length;
        }
    }
}
