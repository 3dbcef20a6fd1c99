// Public API of @relora/trainer.
export {};
