using Engine.Load;
using Engine.Tools;

// Engine.Load intake|flow|deadlines|lookup|timers|hearings|scale [options]; --help lists them with their defaults. See README.md, "Benchmarks".
return await CommandLineStyle.InvokeAsync(LoadCommandLine.Build(IntakeRun.RunAsync, DeadlineRun.RunAsync, LookupRun.RunAsync, TimerRun.RunAsync, HearingRun.RunAsync, ScaleRun.RunAsync), args);
