<?php
/**
 * MoodleManagement companion plugin: the signing and request building, kept free of any
 * FacturaScripts class so that MoodleManagement's own test suite can run it with plain
 * `php` and check it against the Rust verifier.
 *
 * This file is not under a FacturaScripts-deployed folder on purpose: it holds functions,
 * not a class, and is loaded with require_once by Lib/InvoiceHints.php.
 */

if (!function_exists('mm_sign')) {
    /**
     * The Standard Webhooks `webhook-signature` value for one secret:
     * `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), where the key is the
     * base64-decoded part of `whsec_<base64>`.
     *
     * @throws InvalidArgumentException when the secret is not a `whsec_` secret, so that a
     *         misconfiguration is logged instead of sending deliveries that can never verify.
     */
    function mm_sign(string $secret, string $id, int $timestamp, string $body): string
    {
        $secret = trim($secret);
        if (strncmp($secret, 'whsec_', 6) !== 0) {
            throw new InvalidArgumentException('the MoodleManagement webhook secret must start with whsec_');
        }
        $key = base64_decode(substr($secret, 6), true);
        if ($key === false || strlen($key) < 24 || strlen($key) > 64) {
            throw new InvalidArgumentException('the MoodleManagement webhook secret is not valid base64 of 24 to 64 bytes');
        }
        $mac = hash_hmac('sha256', $id . '.' . $timestamp . '.' . $body, $key, true);
        return 'v1,' . base64_encode($mac);
    }
}

if (!function_exists('mm_hint_request')) {
    /**
     * Builds the signed `invoice.hint` delivery for one invoice: "poll invoice $invoiceId now".
     * The hint carries no invoice data on purpose: MoodleManagement reads the invoice through
     * the API like any polled one, so a hint can never disagree with the source of truth.
     *
     * @return array{url: string, headers: array<string, string>, body: string}
     */
    function mm_hint_request(string $serviceUrl, string $source, string $secret, string $invoiceId, string $eventName, int $now, string $messageId): array
    {
        $body = json_encode([
            'type' => 'invoice.hint',
            'timestamp' => gmdate('Y-m-d\TH:i:s\Z', $now),
            'data' => ['id' => $invoiceId, 'event' => $eventName],
        ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);

        return [
            'url' => rtrim($serviceUrl, '/') . '/webhooks/' . rawurlencode($source),
            'headers' => [
                'content-type' => 'application/json',
                'webhook-id' => $messageId,
                'webhook-timestamp' => (string) $now,
                'webhook-signature' => mm_sign($secret, $messageId, $now, $body),
            ],
            'body' => $body,
        ];
    }
}

if (!function_exists('mm_post')) {
    /**
     * POSTs a request built by mm_hint_request with a short timeout. Returns the HTTP
     * status (0 when the service could not be reached). Never throws: the caller only logs,
     * because polling remains the safety net for every missed hint.
     */
    function mm_post(array $request, float $timeoutSeconds): int
    {
        $headerLines = [];
        foreach ($request['headers'] as $name => $value) {
            $headerLines[] = $name . ': ' . $value;
        }

        if (function_exists('curl_init')) {
            $ch = curl_init($request['url']);
            curl_setopt_array($ch, [
                CURLOPT_POST => true,
                CURLOPT_POSTFIELDS => $request['body'],
                CURLOPT_HTTPHEADER => $headerLines,
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_CONNECTTIMEOUT_MS => (int) min(1000, $timeoutSeconds * 1000),
                CURLOPT_TIMEOUT_MS => (int) ($timeoutSeconds * 1000),
                CURLOPT_FOLLOWLOCATION => false,
            ]);
            curl_exec($ch);
            $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
            curl_close($ch);
            return $status;
        }

        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => implode("\r\n", $headerLines),
            'content' => $request['body'],
            'timeout' => $timeoutSeconds,
            'ignore_errors' => true,
            'follow_location' => 0,
        ]]);
        $result = @file_get_contents($request['url'], false, $context);
        if ($result === false || empty($http_response_header)) {
            return 0;
        }
        return preg_match('#^HTTP/\S+\s+(\d{3})#', $http_response_header[0], $m) ? (int) $m[1] : 0;
    }
}
