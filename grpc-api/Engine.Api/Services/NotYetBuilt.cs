using V1 = Engine.V1;

namespace Engine.Api.Services;

/// <summary>The event stream (issue "Downstream streams"): every call answers UNIMPLEMENTED until it is built.</summary>
public sealed class EventApi : V1.EventService.EventServiceBase;

/// <summary>Statistics (issue "See it"): every call answers UNIMPLEMENTED until it is built.</summary>
public sealed class StatsApi : V1.StatsService.StatsServiceBase;
