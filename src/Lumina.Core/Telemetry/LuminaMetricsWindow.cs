using System.Diagnostics.Metrics;

namespace Lumina.Core.Telemetry;

/// <summary>
/// The last hour of this host's own measurements, minute by minute, and their totals since start — calls, errors,
/// latency quantiles, tokens and cost — read from the same instruments OpenTelemetry exports (<see cref="LuminaTelemetry"/>),
/// for the console's overview. Nothing is sent anywhere; a host without an OpenTelemetry endpoint still shows them.
/// </summary>
/// <remarks>
/// Latencies go into a log-scale histogram (four buckets per doubling, so a quantile is within about 10% of the true
/// value) rather than being kept: a minute holds a fixed 1 KiB whatever the load. One lock serialises the recording
/// threads; a recording is a few array increments.
/// </remarks>
public sealed class LuminaMetricsWindow : IDisposable
{
    /// <summary>How many minutes are kept.</summary>
    public const int Minutes = 60;

    private const double SmallestMs = 0.01;
    private const int BucketsPerDoubling = 4;
    private const int Buckets = 30 * BucketsPerDoubling;

    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Slot[] _slots = new Slot[Minutes];
    private readonly Slot _total = new();

    /// <param name="meters">The host's meter factory: only the Lumina meter it made is read, not another host's in the same process.</param>
    public LuminaMetricsWindow(IMeterFactory? meters = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        StartedAt = _time.GetUtcNow();
        for (var i = 0; i < Minutes; i++)
        {
            _slots[i] = new Slot();
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LuminaTelemetry.Name && (meters is null || ReferenceEquals(instrument.Meter.Scope, meters))
                && instrument.Name is "lumina.function.duration" or "lumina.function.errors" or "lumina.provider.tokens" or "lumina.provider.cost")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument.Name, value, output: false));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, IsOutput(tags)));
        _listener.Start();
    }

    /// <summary>When this host started counting.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The totals since start and the last <see cref="Minutes"/> minutes, oldest first (a minute without calls is zeros).</summary>
    public LuminaMetricsSnapshot Snapshot()
    {
        var now = MinuteOf(_time.GetUtcNow());
        var minutes = new List<LuminaMetricsMinute>(Minutes);
        LuminaMetricsMinute total;
        lock (_gate)
        {
            for (var minute = now - Minutes + 1; minute <= now; minute++)
            {
                var slot = _slots[Index(minute)];
                minutes.Add(slot.Minute == minute ? slot.Read(At(minute)) : new LuminaMetricsMinute(At(minute), 0, 0, 0, 0, 0, 0, 0));
            }

            total = _total.Read(StartedAt);
        }

        return new LuminaMetricsSnapshot(StartedAt, total, minutes);
    }

    public void Dispose() => _listener.Dispose();

    private static bool IsOutput(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "gen_ai.token.type")
            {
                return tag.Value as string == "output";
            }
        }

        return false;
    }

    private void Record(string instrument, double value, bool output)
    {
        var minute = MinuteOf(_time.GetUtcNow());
        lock (_gate)
        {
            var slot = _slots[Index(minute)];
            if (slot.Minute != minute)
            {
                slot.Reset(minute);
            }

            slot.Add(instrument, value, output);
            _total.Add(instrument, value, output);
        }
    }

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private static DateTimeOffset At(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60);

    private static int Index(long minute) => (int)(minute % Minutes);

    private static int BucketOf(double ms) =>
        ms <= SmallestMs ? 0 : Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log2(ms / SmallestMs) * BucketsPerDoubling));

    /// <summary>The upper bound of a bucket, in milliseconds.</summary>
    private static double UpperOf(int bucket) => SmallestMs * Math.Pow(2, (double)bucket / BucketsPerDoubling);

    private sealed class Slot
    {
        private readonly long[] _latency = new long[Buckets];
        private long _calls;
        private long _errors;
        private long _inputTokens;
        private long _outputTokens;
        private double _cost;

        public long Minute { get; private set; } = -1;

        public void Reset(long minute)
        {
            Minute = minute;
            Array.Clear(_latency);
            _calls = _errors = _inputTokens = _outputTokens = 0;
            _cost = 0;
        }

        public void Add(string instrument, double value, bool output)
        {
            switch (instrument)
            {
                case "lumina.function.duration":
                    _calls++;
                    _latency[BucketOf(value * 1000)]++;
                    break;
                case "lumina.function.errors":
                    _errors += (long)value;
                    break;
                case "lumina.provider.tokens" when output:
                    _outputTokens += (long)value;
                    break;
                case "lumina.provider.tokens":
                    _inputTokens += (long)value;
                    break;
                case "lumina.provider.cost":
                    _cost += value;
                    break;
            }
        }

        public LuminaMetricsMinute Read(DateTimeOffset at) =>
            new(at, _calls, _errors, Quantile(0.5), Quantile(0.99), _inputTokens, _outputTokens, _cost);

        private double Quantile(double q)
        {
            if (_calls == 0)
            {
                return 0;
            }

            var rank = (long)Math.Ceiling(q * _calls);
            long seen = 0;
            for (var bucket = 0; bucket < Buckets; bucket++)
            {
                seen += _latency[bucket];
                if (seen >= rank)
                {
                    return Math.Round(UpperOf(bucket), 3);
                }
            }

            return Math.Round(UpperOf(Buckets - 1), 3);
        }
    }
}

/// <summary>The console's numbers: totals since <see cref="StartedAt"/> and the last hour by minute.</summary>
public sealed record LuminaMetricsSnapshot(DateTimeOffset StartedAt, LuminaMetricsMinute Totals, IReadOnlyList<LuminaMetricsMinute> Series);

/// <summary>One minute's (or the totals') calls, errors, latency quantiles in milliseconds, tokens and cost.</summary>
public sealed record LuminaMetricsMinute(DateTimeOffset At, long Calls, long Errors, double P50Ms, double P99Ms, long InputTokens, long OutputTokens, double Cost);
