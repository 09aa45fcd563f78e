"""Data tools for StepGRPO training sets: ``python -m service.data {extract,augment,score,convert}``.

Key steps from reference solutions by rules (or an OpenAI-compatible LLM), equivalent forms for them,
offline scoring through the server's own scorer and worker pool, and conversion between the R1-VL,
Mulberry and this project's layouts. One bad row never stops a run: it gets its own error.
"""
