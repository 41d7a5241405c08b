using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Engine.V1;

namespace Engine.Load;

/// <summary>
/// The password look-up as an attacker sees it (issue "Trust"): can the time of a refused <c>LookupCase</c> tell
/// "no such case" from "wrong password" or "a phone that is not a party's"? The run starts its own engine with the
/// throttles and the lockout lifted (they would otherwise refuse most attempts), stores cases, restarts the engine so
/// that no grain is active, then times the three kinds of failure interleaved in a random order, one call at a time:
/// first on grains that the attempt itself activates (cold, what probing new numbers meets), then again on the same,
/// now active grains (warm). For each kind against "no such case" it reports the percentiles, the shift (Hodges-Lehmann)
/// with its 95 % interval, and two-sample tests (Mann-Whitney for a shift, Kolmogorov-Smirnov for any difference in
/// shape). Every refusal must be the same NOT_FOUND with the same text; a run where one differs fails (exit 2), and
/// so does one where a kind is told apart at p &lt; 0.001 by both tests (exit 3).
/// </summary>
internal static class LookupRun
{
    private const string Password = "right-horse-battery";
    private const string PartyPhone = "13800000001";
    private const string StrangerPhone = "13800000002";

    private static readonly string[] Kinds = ["no such case", "wrong password", "phone not a party's"];

    public static async Task<int> RunAsync(LookupSettings settings)
    {
        var attempts = settings.Attempts;
        var data = settings.Data ?? Path.Combine(Path.GetTempPath(), "engine-lookup-" + Guid.NewGuid().ToString("N")[..8]);
        // --max-failures 1 makes every refusal of the cold pass a lockout (recorded: audit entry, event, metric), so that
        // the work of recording one is timed too, on known cases and unknown numbers alike.
        var maxFailures = settings.MaxFailures;
        string[] unthrottled =
        [
            "--Engine:Security:Lookup:PerSourcePerMinute=100000000", "--Engine:Security:Lookup:PerCasePerMinute=100000000",
            "--Engine:Security:Lookup:PerPhonePerMinute=100000000", "--Engine:Security:Lookup:FailuresPerKeyPerMinute=100000000",
            $"--Engine:Tickets:LookupMaxFailures={maxFailures}",
        ];

        // Each attempt of each kind has a case of its own: its grains are new to it in the cold pass.
        var plan = Enumerable.Range(0, attempts * Kinds.Length)
            .Select(i => (Kind: i % Kinds.Length, Number: $"(2025)沪{8000 + (i / 90000):D4}民初{(i % 90000) + 10000}号"))
            .ToArray();
        var known = plan.Where(p => p.Kind != 0).Select(p => p.Number).ToArray();

        using (var preparing = new EngineChild(data, unthrottled))
        {
            await preparing.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{preparing.GrpcPort}");
            await PrepareAsync(channel, known);
            await preparing.StopAsync();
        }

        using var engine = new EngineChild(data, unthrottled);
        await engine.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{engine.GrpcPort}");
            var cases = new V1.CaseService.CaseServiceClient(channel);
            await WarmUpTheCallPathAsync(cases);

            var random = new Random(12368);
            var report = new Dictionary<string, object> { ["machine"] = Machine.Facts(), ["scenario"] = "lookup", ["attemptsPerKind"] = attempts, ["lookupMaxFailures"] = maxFailures };
            var failed = false;
            var differing = 0L;
            foreach (var pass in new[] { "cold", "warm" })
            {
                var order = plan.ToArray();
                random.Shuffle(order);
                Console.WriteLine($"{pass}: {order.Length:N0} refused look-ups, the three kinds interleaved, one at a time");
                var samples = Kinds.Select(_ => new List<double>(attempts)).ToArray();
                foreach (var (kind, number) in order)
                {
                    var request = new V1.LookupCaseRequest
                    {
                        CaseNumber = number,
                        Phone = kind == 2 ? StrangerPhone : PartyPhone,
                        ServicePassword = kind == 1 ? "wrong-horse-battery" : Password,
                    };
                    var started = Stopwatch.GetTimestamp();
                    var answer = await RefusalOfAsync(cases, request);
                    samples[kind].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (answer != "NotFound: no case matches this case number, phone and service password")
                    {
                        differing++;
                    }
                }

                var compared = new List<object>();
                PrintHeader(pass);
                PrintRow(Kinds[0], samples[0], null);
                for (var kind = 1; kind < Kinds.Length; kind++)
                {
                    var c = Compare(samples[0], samples[kind]);
                    PrintRow(Kinds[kind], samples[kind], c);
                    compared.Add(new
                    {
                        kind = Kinds[kind], c.MedianMs, c.ShiftMs, c.DifferenceLowMs, c.DifferenceHighMs,
                        c.MannWhitneyP, c.KolmogorovSmirnovD, c.KolmogorovSmirnovP,
                    });
                    failed |= c.MannWhitneyP < 0.001 && c.KolmogorovSmirnovP < 0.001;
                }

                report[pass] = new
                {
                    noSuchCaseMedianMs = Percentile(samples[0], 50),
                    kinds = Kinds.Select((k, i) => new { kind = k, p10 = Percentile(samples[i], 10), p50 = Percentile(samples[i], 50), p90 = Percentile(samples[i], 90), p99 = Percentile(samples[i], 99) }),
                    againstNoSuchCase = compared,
                };
            }

            report["answersThatDiffered"] = differing;
            var file = settings.Report;
            await File.WriteAllTextAsync(file, RunOptions.Report(report));
            Console.WriteLine($"\nreport: {Path.GetFullPath(file)}");
            if (differing > 0)
            {
                Console.Error.WriteLine($"FAILED: {differing} refusals differed from the others in status or text");
                return 2;
            }

            if (failed)
            {
                Console.Error.WriteLine("FAILED: a kind of failure can be told from 'no such case' by its time (p < 0.001 by both tests)");
                return 3;
            }

            return 0;
        }
        finally
        {
            await engine.StopAsync();
        }
    }

    /// <summary>The sample directory, and every known case with its password and one party.</summary>
    private static async Task PrepareAsync(GrpcChannel channel, string[] numbers)
    {
        var sample = await File.ReadAllTextAsync(Samples.File("shanghai-courts.json"));
        var workload = new Workload(Samples.Courts(), 2, 0, 0);
        await new V1.DirectoryService.DirectoryServiceClient(channel).ImportDirectoryAsync(new V1.ImportDirectoryRequest { Json = workload.DirectoryJson(sample) });
        var cases = new V1.CaseService.CaseServiceClient(channel);
        Console.WriteLine($"storing {numbers.Length:N0} cases with a service password");
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (number, cancel) =>
        {
            var stored = new V1.Case { CaseNumber = number, CourtId = "sh-pudong", DivisionId = "civil-1", PresidingJudgeId = "sh-pudong/civil-1/1" };
            stored.Parties.Add(new V1.Party { Name = "测试当事人", Role = V1.PartyRole.Plaintiff, Phone = PartyPhone });
            await cases.UpsertCaseAsync(new V1.UpsertCaseRequest { Case = stored, ServicePassword = Password, Actor = "load" }, cancellationToken: cancel);
        });
    }

    /// <summary>Brings the client, the connection and the engine's code paths to a steady state on numbers outside the
    /// plan, so that the first measured calls do not pay for JIT and connection set-up.</summary>
    private static async Task WarmUpTheCallPathAsync(V1.CaseService.CaseServiceClient cases)
    {
        for (var i = 0; i < 50; i++)
        {
            await RefusalOfAsync(cases, new V1.LookupCaseRequest { CaseNumber = $"(2025)沪7999民初{10000 + i}号", Phone = PartyPhone, ServicePassword = Password });
        }
    }

    private static async Task<string> RefusalOfAsync(V1.CaseService.CaseServiceClient cases, V1.LookupCaseRequest request)
    {
        try
        {
            await cases.LookupCaseAsync(request);
            return "OK";
        }
        catch (RpcException e)
        {
            return $"{e.StatusCode}: {e.Status.Detail}";
        }
    }

    private sealed record Comparison(double MedianMs, double ShiftMs, double DifferenceLowMs, double DifferenceHighMs, double MannWhitneyP, double KolmogorovSmirnovD, double KolmogorovSmirnovP);

    /// <summary>The shift of <paramref name="other"/> against <paramref name="reference"/> as the Hodges-Lehmann
    /// estimate (the median of all pairwise differences: robust where the times have two modes, as they do on two
    /// shared cores) with its distribution-free 95 % interval, and the two tests.</summary>
    private static Comparison Compare(List<double> reference, List<double> other)
    {
        var differences = new double[(long)reference.Count * other.Count];
        var n = 0;
        foreach (var y in other)
        {
            foreach (var x in reference)
            {
                differences[n++] = y - x;
            }
        }

        Array.Sort(differences);
        double nx = reference.Count, ny = other.Count;
        var k = (int)Math.Floor((nx * ny / 2) - (1.96 * Math.Sqrt(nx * ny * (nx + ny + 1) / 12)));
        k = Math.Clamp(k, 0, differences.Length - 1);
        var (d, ksP) = KolmogorovSmirnov(reference, other);
        return new Comparison(Percentile(other, 50), Percentile(differences, 50), differences[k], differences[differences.Length - 1 - k], MannWhitney(reference, other), d, ksP);
    }

    /// <summary>Two-sided p of the Mann-Whitney U test, normal approximation with average ranks for ties.</summary>
    private static double MannWhitney(List<double> x, List<double> y)
    {
        var all = x.Select(v => (v, First: true)).Concat(y.Select(v => (v, First: false))).OrderBy(p => p.v).ToArray();
        double rankSumX = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j + 1 < all.Length && all[j + 1].v == all[i].v)
            {
                j++;
            }

            var rank = ((i + 1) + (j + 1)) / 2.0;
            for (var k = i; k <= j; k++)
            {
                rankSumX += all[k].First ? rank : 0;
            }

            i = j + 1;
        }

        double n = x.Count, m = y.Count;
        var u = rankSumX - (n * (n + 1) / 2);
        var z = (u - (n * m / 2)) / Math.Sqrt(n * m * (n + m + 1) / 12);
        return 2 * (1 - NormalCdf(Math.Abs(z)));
    }

    /// <summary>The two-sample Kolmogorov-Smirnov statistic and its asymptotic p.</summary>
    private static (double D, double P) KolmogorovSmirnov(List<double> x, List<double> y)
    {
        var a = x.Order().ToArray();
        var b = y.Order().ToArray();
        double d = 0;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            var v = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= v)
            {
                i++;
            }

            while (j < b.Length && b[j] <= v)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        var en = Math.Sqrt((double)a.Length * b.Length / (a.Length + b.Length));
        var lambda = (en + 0.12 + (0.11 / en)) * d;
        double p = 0;
        for (var k = 1; k <= 100; k++)
        {
            p += 2 * (k % 2 == 1 ? 1 : -1) * Math.Exp(-2 * k * k * lambda * lambda);
        }

        return (d, Math.Clamp(p, 0, 1));
    }

    /// <summary>Abramowitz and Stegun 7.1.26 (error below 1.5e-7).</summary>
    private static double NormalCdf(double z)
    {
        var t = 1 / (1 + (0.3275911 * z / Math.Sqrt(2)));
        var erf = 1 - (((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z / 2);
        return (1 + erf) / 2;
    }

    private static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    private static void PrintHeader(string pass)
    {
        Console.WriteLine();
        Console.WriteLine($"| {pass} | p10 ms | p50 ms | p90 ms | p99 ms | shift against 'no such case' ms (95 % CI) | Mann-Whitney p | KS D | KS p |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    }

    private static void PrintRow(string kind, List<double> s, Comparison? c)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var head = string.Create(inv, $"| {kind} | {Percentile(s, 10):F2} | {Percentile(s, 50):F2} | {Percentile(s, 90):F2} | {Percentile(s, 99):F2} |");
        Console.WriteLine(c is null
            ? head + " – | – | – | – |"
            : head + string.Create(inv, $" {c.ShiftMs:+0.000;-0.000} ({c.DifferenceLowMs:+0.000;-0.000} to {c.DifferenceHighMs:+0.000;-0.000}) | {c.MannWhitneyP:F3} | {c.KolmogorovSmirnovD:F3} | {c.KolmogorovSmirnovP:F3} |"));
    }
}
