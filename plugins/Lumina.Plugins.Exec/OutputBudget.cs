namespace Lumina.Plugins.Exec;

/// <summary>The bytes a run may write to its output streams together before it is stopped.</summary>
internal sealed class OutputBudget(long limit, Action exceeded)
{
    private long _used;

    /// <summary>Counts <paramref name="bytes"/>; the first time the limit is passed, calls the stop action.</summary>
    public void Take(int bytes)
    {
        var before = Interlocked.Add(ref _used, bytes) - bytes;
        if (before <= limit && before + bytes > limit)
        {
            exceeded();
        }
    }
}
