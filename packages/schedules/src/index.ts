// Public API of @relora/schedules.
export {};
