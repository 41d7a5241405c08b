// Each test class starts engines of its own (child processes); one class at a time keeps a small machine, shared with
// the other test assemblies, from starving them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
