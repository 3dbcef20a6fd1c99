// Public API of @relora/restarts.
export {};
