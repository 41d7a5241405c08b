using System.Text.Json.Nodes;
using Engine.Tests.Support;

namespace Engine.Tests.Upgrade;

/// <summary>
/// Every stored type reads back what each earlier build wrote (tests/fixtures/*/golden-bytes): a member that lost or
/// changed its serializer id, or changed its type incompatibly, reads back as a different value and fails here.
/// Members added since are allowed (they read as their defaults).
/// </summary>
public sealed class GoldenBytesTests
{
    public static TheoryData<string, string> Written()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.GetDirectories(Fixtures.Root).Order(StringComparer.Ordinal))
        {
            foreach (var sample in StoredSamples.All)
            {
                data.Add(Path.GetFileName(folder), sample.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Written))]
    public void A_stored_type_reads_back_what_an_earlier_build_wrote(string fixture, string type)
    {
        var folder = Path.Combine(Fixtures.Root, fixture, "golden-bytes");
        var sample = StoredSamples.All.Single(s => s.Name == type);
        var read = sample.Read(GoldenBytes.NewSerializer(), File.ReadAllBytes(Path.Combine(folder, type + ".bin")));

        Assert.NotNull(read);
        JsonSubset.AssertContains(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, type + ".json"))), JsonNode.Parse(GoldenBytes.View(read)), $"{type} written by {fixture}");
    }

    [Fact]
    public void Every_stored_type_round_trips_in_this_build()
    {
        var serializer = GoldenBytes.NewSerializer();
        foreach (var sample in StoredSamples.All)
        {
            Assert.Equal(GoldenBytes.View(sample.Value), GoldenBytes.View(sample.Read(serializer, sample.Write(serializer))!));
        }
    }

    [Fact]
    public void The_comparison_notices_a_member_that_reads_back_differently()
    {
        var serializer = GoldenBytes.NewSerializer();
        var folder = Path.Combine(Fixtures.Root, "2026-12-04", "golden-bytes");
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "TicketRecord.json")))!;
        var read = JsonNode.Parse(GoldenBytes.View(StoredSamples.All[0].Read(serializer, File.ReadAllBytes(Path.Combine(folder, "TicketRecord.bin")))!))!;
        read["Caller"]!["Phone"] = "13900000000";

        Assert.Equal(["$.Caller.Phone (\"13800000001\", now \"13900000000\")"], JsonSubset.Differences(expected, read));
    }
}
