namespace Lumina.Core.Tasks;

/// <summary>Where a task is (the tasks extension's statuses).</summary>
public enum LuminaTaskStatus
{
    /// <summary>Running.</summary>
    Working,

    /// <summary>Waiting for the client's answers (<see cref="LuminaTaskRecord.InputRequests"/>).</summary>
    InputRequired,

    /// <summary>Finished with a result, which may be a tool error.</summary>
    Completed,

    /// <summary>Ended by a protocol-level error (<see cref="LuminaTaskRecord.Error"/>): the call could not run to a result.</summary>
    Failed,

    /// <summary>Cancelled by its client.</summary>
    Cancelled,
}
