"""The extractive answer: candidate sentences, their features, the learned ranker, the quote,
the short answer inside it and the confidence that it answers."""
