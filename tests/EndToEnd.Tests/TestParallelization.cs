// How the end-to-end tests share the machine. Every test class drives whole shops of real processes (the assembly's
// ShopFixture, and CrashRecoveryTests' own ChaosShopFixture), and CI has 2 cores. Run side by side, two classes would
// starve each other's sagas (timeouts that say nothing about the code), and the shared shop's per-IP rate limit on
// register/login would bounce one class's shoppers because of another's crowd. So the classes run one after another:
// the wall time is the sum of the classes, each measured on an otherwise idle shop.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
