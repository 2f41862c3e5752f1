namespace Lumina.Testing;

/// <summary>A one-variable prompt function on disk, for tests that need a prompt to invoke.</summary>
public static class TestPrompts
{
    /// <summary>Writes <c>notes/ask</c> ("Question: {{$question}}") under <paramref name="root"/>.</summary>
    public static void WriteAsk(string root)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "notes", "ask")).FullName;
        File.WriteAllText(Path.Combine(folder, "skprompt.txt"), "Question: {{$question}}");
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"schema":1,"description":"Asks.","input_variables":[{"name":"question","description":"The question.","is_required":true}]}""");
    }
}
