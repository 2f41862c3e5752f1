using Microsoft.Extensions.Logging;

namespace Lumina.Core.Tests.Audit;

/// <summary>Keeps the errors logged under audit categories, for the audit tests to check.</summary>
internal sealed class AuditLogSink : ILoggerProvider
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(AuditLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && category.Contains("Audit", StringComparison.Ordinal))
            {
                lock (sink._errors)
                {
                    sink._errors.Add(formatter(state, exception));
                }
            }
        }
    }
}
