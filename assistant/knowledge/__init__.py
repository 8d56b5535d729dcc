"""The knowledge base: loading the drafter's files, Chinese-aware chunking, the bundled banks, ingest."""
