// Azure error bodies, reproduced from wire examples (AZURE-FACTS §3.2, §4.1, §5).

import { buildPromptResults, buildSeverityResults } from "./content-filter.ts";

type ErrorBody = Record<string, unknown>;

/** 404 for a wrong path, a missing api-version or an unknown resource. */
export function buildResourceNotFound(): ErrorBody {
  return { error: { code: "404", message: "Resource not found" } };
}

/** 404 for a deployment the resource does not have. */
export function buildDeploymentNotFound(): ErrorBody {
  return {
    error: {
      code: "DeploymentNotFound",
      message:
        "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
    },
  };
}

/** 401 for a wrong or missing `api-key`. */
export function buildInvalidKey(): ErrorBody {
  return {
    error: {
      code: "401",
      message:
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
    },
  };
}

/** 401 for a bad Entra token: Azure does not wrap this one in `error`. */
export function buildEntraUnauthorized(): ErrorBody {
  return {
    statusCode: 401,
    message:
      "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.",
  };
}

/** 403 for an `api-key` on a resource with key authentication switched off (disableLocalAuth). */
export function buildKeyAuthDisabled(): ErrorBody {
  return { error: { code: "AuthenticationTypeDisabled", message: "Key based authentication is disabled for this resource." } };
}

/** 400 prompt content-filter body of §4.1 (`type: null`, `status`, `innererror.content_filter_result`). */
export function buildPromptFiltered(category: string): ErrorBody {
  return {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: buildPromptResults(category) },
    },
  };
}

/** 400 for a filtered image prompt (DALL·E uses `inner_error.content_filter_results`). */
export function buildImagePromptFiltered(category: string): ErrorBody {
  const results: Record<string, unknown> = { ...buildSeverityResults(), jailbreak: { detected: false, filtered: false } };
  results[category] = category === "jailbreak" ? { detected: true, filtered: true } : { filtered: true, severity: "medium" };
  return {
    error: {
      code: "content_policy_violation",
      inner_error: { code: "ResponsibleAIPolicyViolation", content_filter_results: results },
      message:
        "Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.",
      type: "invalid_request_error",
    },
  };
}

/** 400 an older api-version gives for a body parameter it does not know. */
export function buildUnrecognizedArgument(param: string): ErrorBody {
  return {
    error: {
      message: `Unrecognized request argument supplied: ${param}. Please contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 for further questions.`,
      type: "invalid_request_error",
      param: "",
      code: null,
    },
  };
}

/** 429 token-rate-limit body. */
export function buildRateLimited(operationId: string, apiVersion: string, retryAfterSeconds: number): ErrorBody {
  return {
    error: {
      code: "429",
      message: `Requests to the ${operationId} Operation under Azure OpenAI API version ${apiVersion} have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${retryAfterSeconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
    },
  };
}

/** 500 body (OpenAI-style, `type: "server_error"`). */
export function buildServerError(requestId: string): ErrorBody {
  return {
    error: {
      message: `The server had an error processing your request. Sorry about that! You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing this error. (Please include the request ID ${requestId} in your email.)`,
      type: "server_error",
      param: null,
      code: null,
    },
  };
}

/** The error event Azure sends inside a 200 SSE stream. */
export function buildStreamError(requestId: string): ErrorBody {
  return {
    error: {
      message: `That model is currently overloaded with other requests. You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if the error persists. (Please include the request ID ${requestId} in your message.)`,
      type: "server_error",
      param: null,
      code: null,
    },
  };
}

/** 408 body. */
export function buildTimeout(): ErrorBody {
  return { error: { code: "Timeout", message: "The operation was timeout." } };
}

/** 403, 502, 503, 504 bodies. UNCONFIRMED (AZURE-FACTS §5/§9): shaped like Azure's platform errors. */
export function buildPlatformError(status: 403 | 502 | 503 | 504): ErrorBody {
  const messages = {
    403: "Access denied due to Virtual Network/Firewall rules.",
    502: "Bad gateway.",
    503: "Service unavailable.",
    504: "Gateway timeout.",
  };
  return { error: { code: String(status), message: messages[status] } };
}
