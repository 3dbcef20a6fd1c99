// Public API of @relora/lora.
export {};
