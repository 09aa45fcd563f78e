"""Key-step extraction by an LLM behind any OpenAI-compatible ``/v1/chat/completions`` endpoint.

The instructions restate, in our words, what the paper asked GPT-4o for; the reply is read by the
reward core's own key-step reader (the ``Step N: [...]`` lists, or JSON), so what the service scores
is exactly what was extracted. Needs ``httpx`` (the ``[data]`` extra).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from stepgrpo_references import key_step_groups

from .augment import dedupe

# A backslash at a line's end continues the same line of the prompt.
INSTRUCTIONS = """You will read a worked solution split into sections with ### headers. \
List its key elements, section by section.
- Image Description: up to three elements that identify what is shown, such as labelled objects, names or numbers; \
each one only once.
- Rationales: the central ideas the solution relies on (a theorem, a property, a definition), each named once.
- Each "Step N": the variables, values, equations and relations that carry the solution towards its answer; \
leave out anything already listed.
- Skip the "Let's think step by step" line and the final answer section.
Copy terms, numbers and equations exactly as the solution writes them. \
A phrase (anything that is not a number or an equation) has three words at most. \
Never list an element twice, not even in different steps.
Reply in exactly this form and with nothing else:
Key Elements:
Image Description: ["...", "..."]; Rationales: ["..."]; Step 1: ["...", "..."], Step 2: ["..."]
"""


@dataclass(frozen=True)
class Endpoint:
    url: str
    model: str = "gpt-4o"
    api_key: str | None = None
    temperature: float = 0.0
    timeout: float = 120.0
    retries: int = 3

    @property
    def chat_url(self) -> str:
        """``.../v1`` gets ``/chat/completions`` appended; a full endpoint URL is used as given."""
        url = self.url.rstrip("/")
        return url + "/chat/completions" if url.endswith("/v1") else url


_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


def _reply(endpoint: Endpoint, solution: str) -> str:
    import httpx

    headers = {"Authorization": f"Bearer {endpoint.api_key}"} if endpoint.api_key else {}
    body = {
        "model": endpoint.model,
        "temperature": endpoint.temperature,
        "messages": [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": solution}],
    }
    delay = 1.0
    for attempt in range(endpoint.retries + 1):
        try:
            response = httpx.post(endpoint.chat_url, json=body, headers=headers, timeout=endpoint.timeout)
        except httpx.TransportError as exc:
            failure = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                try:
                    return response.json()["choices"][0]["message"]["content"]
                except (ValueError, KeyError, IndexError, TypeError):
                    raise ValueError(f"LLM reply is not a chat completion: {response.text[:200]!r}") from None
            failure = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code not in _RETRY_STATUS:
                break
        if attempt < endpoint.retries:
            time.sleep(delay)
            delay *= 2
    raise ValueError(f"LLM endpoint failed: {failure}")


def llm_key_steps(endpoint: Endpoint, solution: str) -> list[list[str]]:
    """One group per extracted step element, deduplicated; ``ValueError`` when the reply has none."""
    if not solution or not solution.strip():
        raise ValueError("no reference solution to extract key steps from")
    reply = _reply(endpoint, solution)
    try:
        elements = [a for group in key_step_groups(reply.strip()) for a in group if a.strip()]
    except ValueError as exc:
        raise ValueError(f"LLM reply has no key steps ({exc}): {reply[:200]!r}") from None
    if not elements:
        raise ValueError(f"LLM reply has no key steps: {reply[:200]!r}")
    return [[e] for e in dedupe(elements)]
