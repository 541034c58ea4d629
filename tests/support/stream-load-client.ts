/**
 * A load client run as its own process (Bun fixes its fetch concurrency at start-up, so the test
 * process cannot open more than 256 requests at once): opens N streams at once, reads each to its
 * end, and prints one JSON line with how many completed and what went wrong.
 * Usage: bun stream-load-client.ts <chat-completions-url> <token> <count> <prompt>
 */
const [url, token, countText, prompt] = process.argv.slice(2);
const count = Number(countText);

async function oneStream(): Promise<string | null> {
  const response = await fetch(url!, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: prompt }] }),
  });
  if (response.status !== 200) return `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
  const text = await response.text();
  if (text.includes('"error"')) return `error event: ${text.slice(text.indexOf('"error"'), 200)}`;
  return text.endsWith("data: [DONE]\n\n") ? null : "stream did not end with [DONE]";
}

const results = await Promise.all(Array.from({ length: count }, () => oneStream().catch((error: unknown) => String(error))));
const errors = results.filter((result) => result !== null);
console.log(JSON.stringify({ completed: count - errors.length, errors: errors.length, firstErrors: errors.slice(0, 3) }));
export {};
