using Engine.Api;
using Engine.Api.Services;
using Engine.Contracts;
using Engine.Tests.Support;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Tests.Api;

/// <summary>An import request at the edge: a JSON property left out becomes an unset field and one given as null a
/// field set empty, and the mapped import names what was left unset, so that the merge keeps it.</summary>
public sealed class DirectoryImportRequestTests
{
    private const string Json = """
        {
          "divisionTemplate": [ { "id": "civil-1", "name": "民事审判第一庭", "role": "TRIAL" } ],
          "courts": [
            { "id": "court-a", "name": "甲法院", "parent": null, "hotlineShare": 0.5,
              "divisions": [ { "id": "civil-1", "name": "民事审判第一庭", "role": "TRIAL", "head": null, "vicePresident": "vp-1" } ] },
            { "id": "court-b", "name": "乙法院", "short": "乙", "level": "BASIC" }
          ],
          "judges": [
            { "id": "judge-1", "name": "测试法官", "court": "court-a", "division": null, "role": null },
            { "id": "judge-2", "name": "测试法官二", "court": "court-b", "division": "civil-1" }
          ]
        }
        """;

    [Fact]
    public void A_property_left_out_is_unset_and_one_given_as_null_is_set_empty()
    {
        var request = DirectoryJson.Parse(Json);

        var (a, b) = (request.Courts[0], request.Courts[1]);
        Assert.Equal((false, false, true, true), (a.HasShort, a.HasLevel, a.HasParent, a.HasHotlineShare));
        Assert.Equal((true, true, false, false), (b.HasShort, b.HasLevel, b.HasParent, b.HasHotlineShare));
        Assert.Equal("", a.Parent);
        Assert.True(a.Divisions[0].HasHeadJudgeId);
        Assert.Equal("", a.Divisions[0].HeadJudgeId);
        Assert.Equal("vp-1", a.Divisions[0].VicePresidentId);
        var (j1, j2) = (request.Judges[0], request.Judges[1]);
        Assert.Equal((true, "", true, V1.JudgeRole.Unspecified), (j1.HasDivisionId, j1.DivisionId, j1.HasRole, j1.Role));
        Assert.Equal((true, false), (j2.HasDivisionId, j2.HasRole));
    }

    [Fact]
    public void The_mapped_import_names_the_fields_left_unset()
    {
        var import = DirectoryApi.ToImport(DirectoryJson.Parse(Json));

        var (a, b) = (import.Courts[0], import.Courts[1]);
        Assert.Equal(CourtFields.ShortName | CourtFields.Level, a.Absent & ~FileCannotName);
        Assert.Equal(CourtFields.ParentCourtId | CourtFields.HotlineShare, b.Absent & ~FileCannotName);
        Assert.Equal(FileCannotName, a.Absent & FileCannotName);
        Assert.Equal(DivisionFields.None, a.AbsentFrom(a.Divisions[0]));
        // court-b lists no divisions: the template's have no head or vice-president, so both stay as stored.
        Assert.Equal(DivisionFields.HeadJudgeId | DivisionFields.VicePresidentId, b.AbsentFrom(b.Divisions.Single()));
        Assert.Equal(JudgeFields.None, import.AbsentFrom(import.Judges[0]));
        Assert.Equal(JudgeFields.Role, import.AbsentFrom(import.Judges[1]));
        Assert.All(import.Judges, j => Assert.Equal(AvailabilityInfo.Available, j.Availability));
    }

    [Fact]
    public void A_property_that_is_neither_text_nor_null_is_refused_rather_than_cleared()
    {
        var ex = Assert.Throws<RpcException>(() => DirectoryJson.Parse("""{ "courts": [ { "id": "court-a", "name": "甲法院", "parent": 7 } ] }"""));

        RpcAssert.AssertInvalidField(ex, "json.courts.parent");
    }

    [Fact]
    public void A_person_imported_with_availability_is_refused_as_an_import_never_sets_it()
    {
        var request = new V1.ImportDirectoryRequest
        {
            Judges = { new V1.ImportJudge { JudgeId = "judge-1", Name = "测试法官", CourtId = "court-a", Availability = new V1.Availability { DelegateJudgeId = "judge-2" } } },
        };

        var ex = Assert.Throws<RpcException>(() => DirectoryApi.ToImport(request));

        RpcAssert.AssertInvalidField(ex, "judges[0].availability");
    }

    [Fact]
    public void A_division_listed_twice_in_one_court_is_refused()
    {
        var court = new V1.ImportCourt { Id = "court-a", Name = "甲法院" };
        court.Divisions.Add(new V1.ImportDivision { DivisionId = "civil-1", Name = "民一庭", Role = V1.DivisionRole.Trial });
        court.Divisions.Add(new V1.ImportDivision { DivisionId = "civil-1", Name = "民一庭", Role = V1.DivisionRole.Trial, HeadJudgeId = "judge-1" });

        var ex = Assert.Throws<RpcException>(() => DirectoryApi.ToImport(new V1.ImportDirectoryRequest { Courts = { court } }));

        RpcAssert.AssertInvalidField(ex, "courts[0].divisions[1].division_id");
    }

    private const CourtFields FileCannotName = CourtFields.FilingDivisionId | CourtFields.ServiceOfficeId | CourtFields.SubPlatformId;
}
