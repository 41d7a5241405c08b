using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>Statistics (issue "See it"): every call answers UNIMPLEMENTED until it is built.</summary>
public sealed class StatsApi : V1.StatsService.StatsServiceBase;
