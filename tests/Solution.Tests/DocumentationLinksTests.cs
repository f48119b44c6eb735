using System.Text.RegularExpressions;

namespace ShopDapr.Solution.Tests;

/// <summary>
/// The README and every page under docs/ stand on their own: each relative link resolves to a file or folder inside the
/// repository (and a <c>#section</c> of a Markdown page to one of its headings), and none sends a reader outside it (an absolute path, <c>../</c> above the root, the project's shared
/// folder, a DESIGN.md the repository does not have).
/// </summary>
public sealed partial class DocumentationLinksTests
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string> { "README.md" };
        foreach (var file in Directory.EnumerateFiles(Repo.File("docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Repo.Root, file).Replace('\\', '/'));
        return data;
    }

    [Fact]
    public void The_docs_folder_has_its_index_and_the_four_references() =>
        Assert.All(new[] { "README.md", "architecture.md", "api.md", "test-cards.md", "events.md" },
            name => Assert.True(File.Exists(Repo.File(Path.Combine("docs", name))), $"docs/{name} is missing"));

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_resolves_to_a_file_in_the_repository(string document)
    {
        var problems = BrokenLinks(Repo.Root, document, File.ReadAllText(Repo.File(document)));
        Assert.True(problems.Count == 0, $"{document}:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void No_document_sends_the_reader_outside_the_repository(string document)
    {
        var text = File.ReadAllText(Repo.File(document));
        var outside = new[] { "DESIGN.md", "DAPR-PROTOCOL.md", "STYLE.md", "/work/", "../shared", "shared folder" }
            .Where(s => text.Contains(s, StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.True(outside.Count == 0, $"{document} refers outside the repository: {string.Join(", ", outside)}");
    }

    [Fact]
    public void The_link_check_finds_a_missing_file_a_path_outside_the_repository_an_absolute_path_and_a_missing_section()
    {
        const string text = """
            # The `top` heading
            Fine: [api](docs/api.md#checkout), [site](https://dapr.io), [top](#the-top-heading), [mail](mailto:a@b.c), `[not](a-link.md)`.
            ```bash
            echo "[also not](inside-a-code-block.md)"
            ```
            Broken: [gone](docs/nothing-here.md), [up](../shared/DESIGN.md), [root](/etc/passwd), <a href="docs/missing.html">x</a>,
            [no section](docs/api.md#no-such-section), [no heading](#nowhere).
            """;

        var problems = BrokenLinks(Repo.Root, "README.md", text);

        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.Contains("docs/api.md#no-such-section", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("#nowhere", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("docs/nothing-here.md", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("../shared/DESIGN.md", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/etc/passwd", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("docs/missing.html", StringComparison.Ordinal));
    }

    /// <summary>Each link of <paramref name="markdown"/> (in <paramref name="document"/>) that does not resolve inside <paramref name="root"/>.</summary>
    internal static List<string> BrokenLinks(string root, string document, string markdown)
    {
        var prose = InlineCode().Replace(FencedCode().Replace(markdown, ""), "");
        var baseDir = Path.GetDirectoryName(Path.Combine(root, document))!;
        var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var problems = new List<string>();
        foreach (var target in MarkdownLink().Matches(prose).Select(m => m.Groups["target"].Value)
                     .Concat(HtmlLink().Matches(prose).Select(m => m.Groups["target"].Value)))
        {
            if (IsExternal(target))
                continue;
            var fragment = target.Contains('#', StringComparison.Ordinal) ? target[(target.IndexOf('#', StringComparison.Ordinal) + 1)..] : "";
            if (target.StartsWith('#'))
            {
                if (!Sections(markdown).Contains(fragment))
                    problems.Add($"{target}: no such heading in this document");
                continue;
            }
            var path = Uri.UnescapeDataString(target.Split('#', '?')[0]);
            if (path.StartsWith('/') || Path.IsPathRooted(path))
            {
                problems.Add($"{target}: an absolute path (links must be relative to the document)");
                continue;
            }
            var full = Path.GetFullPath(Path.Combine(baseDir, path));
            if (!(full + Path.DirectorySeparatorChar).StartsWith(rootFull, StringComparison.Ordinal))
                problems.Add($"{target}: outside the repository");
            else if (!File.Exists(full) && !Directory.Exists(full))
                problems.Add($"{target}: no such file in the repository");
            else if (fragment.Length > 0 && full.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                     && !Sections(File.ReadAllText(full)).Contains(fragment))
                problems.Add($"{target}: no such heading in {path}");
        }
        return problems;
    }

    /// <summary>The anchors of a page's headings, as GitHub makes them: lower case, punctuation dropped, spaces as dashes.</summary>
    internal static HashSet<string> Sections(string markdown) =>
        Heading().Matches(FencedCode().Replace(markdown, ""))
            .Select(m => Slug().Replace(m.Groups["text"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    private static bool IsExternal(string target) =>
        target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<text>.+?)[ \t#]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    /// <summary>What GitHub drops from a heading's text to make its anchor: all but letters, digits, spaces, dashes and underscores.</summary>
    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex Slug();

    [GeneratedRegex("`[^`\n]*`")]
    private static partial Regex InlineCode();

    /// <summary><c>[text](target "title")</c> and <c>![alt](target)</c>; the target up to whitespace or the closing parenthesis.</summary>
    [GeneratedRegex(@"\]\(\s*<?(?<target>[^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"<a\s[^>]*href\s*=\s*""(?<target>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();
}
