using Engine.Api.Security;
using Engine.Contracts;
using Engine.Contracts.Grains;
using Engine.ProtoMapping;
using Grpc.Core;
using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>Key management and the audit log (admin), and WhoAmI (anyone). A key made or revoked here takes effect
/// at every front-end within the key refresh interval, and at once on this one.</summary>
[BindServiceMethod(typeof(StrictParsing<V1.AccessService.AccessServiceBase>), nameof(StrictParsing<V1.AccessService.AccessServiceBase>.BindService))]
public sealed class AccessApi(IClusterClient grains, KeyRing ring) : V1.AccessService.AccessServiceBase
{
    public const int MaxNameLength = 100;
    public const int MaxScopeValues = 100;
    public const int MaxRatePerSecond = 1_000_000;
    public const int MaxAuditPage = 500;

    public override async Task<V1.CreateApiKeyResponse> CreateApiKey(V1.CreateApiKeyRequest request, ServerCallContext context)
    {
        var key = Validate(request);
        var created = await Access.CreateKeyAsync(key, Principal.Of(context).Actor);
        await RefreshQuietlyAsync();
        return new V1.CreateApiKeyResponse { Key = ToProto(created.Key), Secret = created.Secret };
    }

    public override async Task<V1.RevokeApiKeyResponse> RevokeApiKey(V1.RevokeApiKeyRequest request, ServerCallContext context)
    {
        if (!IsKeyId(request.KeyId))
        {
            Errors.ThrowInvalid("key_id", $"is not a key id ({Domain.ApiKeys.KeyIdLength} characters of 0-9 and A-Z, the part after '{Domain.ApiKeys.Prefix}')");
        }

        var revoked = await Access.RevokeKeyAsync(request.KeyId, Principal.Of(context).Actor);
        await RefreshQuietlyAsync();
        return new V1.RevokeApiKeyResponse { Key = ToProto(revoked) };
    }

    public override async Task<V1.ListApiKeysResponse> ListApiKeys(V1.ListApiKeysRequest request, ServerCallContext context)
    {
        var snapshot = await Access.GetKeysAsync(-1);
        var response = new V1.ListApiKeysResponse();
        response.Keys.AddRange(snapshot!.Keys.Where(k => request.IncludeRevoked || k.RevokedAt is null).Select(ToProto));
        return response;
    }

    public override async Task<V1.ListAuditLogResponse> ListAuditLog(V1.ListAuditLogRequest request, ServerCallContext context)
    {
        var v = new RequestValidator();
        if (request.BeforeId < 0)
        {
            v.Add("before_id", "must be 0 (the newest) or an id from a previous page");
        }

        if (request.PageSize is < 0 or > MaxAuditPage)
        {
            v.Add("page_size", $"must be between 1 and {MaxAuditPage} (0 means 100)");
        }

        v.ThrowIfInvalid();
        var page = await Access.ListAuditAsync(request.BeforeId, request.PageSize == 0 ? 100 : request.PageSize);
        var response = new V1.ListAuditLogResponse { NextBeforeId = page.NextBeforeId };
        response.Entries.AddRange(page.Entries.Select(e => new V1.AuditEntry
        {
            Id = e.Id,
            At = Mapping.ToTimestamp(e.At),
            Actor = e.Actor,
            Action = e.Action,
            Target = e.Target,
            Detail = e.Detail,
            Outcome = e.Outcome ?? string.Empty,
            CompletedAt = Mapping.ToTimestamp(e.CompletedAt),
        }));
        return response;
    }

    public override Task<V1.WhoAmIResponse> WhoAmI(V1.WhoAmIRequest request, ServerCallContext context)
    {
        var caller = Principal.Of(context);
        return Task.FromResult(new V1.WhoAmIResponse
        {
            KeyId = caller.KeyId ?? string.Empty,
            Name = caller.Name,
            Role = (V1.AccessRole)caller.Role,
            Scope = ToProto(caller.Scope),
        });
    }

    private IAccessGrain Access => grains.GetGrain<IAccessGrain>(0);

    /// <summary>This front-end sees the change at once; the others within their refresh interval. A failed refresh
    /// here changes nothing that was done: the refresher tries again.</summary>
    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await ring.RefreshAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
        }
    }

    internal static NewApiKey Validate(V1.CreateApiKeyRequest request)
    {
        var v = new RequestValidator();
        v.RequireText("name", request.Name, MaxNameLength);
        v.RequireEnum("role", request.Role);
        var scope = request.Scope ?? new V1.AccessScope();
        var role = (AccessRole)request.Role;
        if (scope.Channels.Count > MaxScopeValues || scope.CourtIds.Count > MaxScopeValues)
        {
            v.Add("scope", $"at most {MaxScopeValues} channels and {MaxScopeValues} courts");
        }

        for (var i = 0; i < scope.Channels.Count && i < MaxScopeValues; i++)
        {
            v.RequireEnum($"scope.channels[{i}]", scope.Channels[i]);
        }

        for (var i = 0; i < scope.CourtIds.Count && i < MaxScopeValues; i++)
        {
            v.RequireId($"scope.court_ids[{i}]", scope.CourtIds[i]);
        }

        v.OptionalId("scope.judge_id", scope.JudgeId);
        switch (role)
        {
            case AccessRole.Channel when scope.Channels.Count == 0:
                v.Add("scope.channels", "a channel key needs the channel(s) it speaks for");
                break;
            case AccessRole.Judge when scope.JudgeId.Length == 0:
                v.Add("scope.judge_id", "a judge key needs the judge's id");
                break;
            case AccessRole.CourtStaff when scope.CourtIds.Count == 0:
                v.Add("scope.court_ids", $"a court-staff key needs its court(s) ('{AccessScope.AllCourts}' for the central platform, which reaches every court)");
                break;
        }

        if (role != AccessRole.Channel && scope.Channels.Count > 0)
        {
            v.Add("scope.channels", "only a channel key has channels");
        }

        if (role != AccessRole.Judge && scope.JudgeId.Length > 0)
        {
            v.Add("scope.judge_id", "only a judge key has a judge id");
        }

        if (role is AccessRole.Admin or AccessRole.Channel or AccessRole.Judge && scope.CourtIds.Count > 0)
        {
            v.Add("scope.court_ids", $"a {role} key is not limited by court");
        }

        if (request.ExpiresAt is not null)
        {
            v.RequireTime("expires_at", request.ExpiresAt);
        }

        if (request.RatePerSecond is < 0 or > MaxRatePerSecond)
        {
            v.Add("rate_per_second", $"must be between 0 (the engine's default) and {MaxRatePerSecond}");
        }

        var certificate = request.CertificateSha256.ToLowerInvariant();
        if (certificate.Length > 0 && (certificate.Length != 64 || !certificate.All(char.IsAsciiHexDigit)))
        {
            v.Add("certificate_sha256", "must be the certificate's SHA-256 as 64 hex digits");
        }

        v.ThrowIfInvalid();
        return new NewApiKey(
            request.Name,
            role,
            new AccessScope([.. scope.Channels.Select(c => (Domain.Channel)c)], [.. scope.CourtIds.Distinct(StringComparer.Ordinal)], Mapping.NullIfEmpty(scope.JudgeId), scope.PersonalData),
            Mapping.FromTimestamp(request.ExpiresAt),
            request.RatePerSecond,
            Mapping.NullIfEmpty(certificate));
    }

    private static bool IsKeyId(string keyId) =>
        keyId.Length == Domain.ApiKeys.KeyIdLength && keyId.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));

    internal static V1.ApiKey ToProto(ApiKeyInfo key) => new()
    {
        KeyId = key.KeyId,
        Name = key.Name,
        Role = (V1.AccessRole)key.Role,
        Scope = ToProto(key.Scope),
        CreatedAt = Mapping.ToTimestamp(key.CreatedAt),
        CreatedBy = key.CreatedBy,
        ExpiresAt = Mapping.ToTimestamp(key.ExpiresAt),
        RevokedAt = Mapping.ToTimestamp(key.RevokedAt),
        RevokedBy = key.RevokedBy ?? string.Empty,
        RatePerSecond = key.RatePerSecond,
        CertificateSha256 = key.CertificateSha256 ?? string.Empty,
    };

    private static V1.AccessScope ToProto(AccessScope scope)
    {
        var proto = new V1.AccessScope { JudgeId = scope.JudgeId ?? string.Empty, PersonalData = scope.PersonalData };
        proto.Channels.AddRange(scope.Channels.Select(c => (V1.Channel)c));
        proto.CourtIds.AddRange(scope.CourtIds);
        return proto;
    }
}
