// One shop and one browser serve the whole suite; its tests run one after another so each saga runs on a quiet shop
// (CI has 2 cores).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
