namespace Lumina.Testing;

/// <summary>Temporary data folders, so tests never touch the user's own Lumina data.</summary>
public static class TestData
{
    public static string NewDirectory() => Directory.CreateTempSubdirectory("lumina-test-data-").FullName;
}
