// relora-pretrain: placeholder until the trainer lands (issue 6).
console.log('relora-pretrain: the pretraining CLI is not built yet; see issue 6.');
