// Public API of @relora/data.
export {};
