// relora-bench: placeholder until the bench lands (issue 7).
console.log('relora-bench: the benchmark suite is not built yet; see issue 7.');
