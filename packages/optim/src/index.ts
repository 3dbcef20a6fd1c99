// Public API of @relora/optim.
export {};
