using Engine.Frontend;

return await FrontendHost.RunAsync(args);
