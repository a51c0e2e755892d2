// Placeholder until the benchmark suite lands (issue 6).
console.log("bench: no scenarios yet");
