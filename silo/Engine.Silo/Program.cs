using Engine.Silo;

return await EngineHost.RunAsync(args);
