// Public API of @relora/llama.
export {};
