<?php
/**
 * MoodleManagement companion plugin for FacturaScripts.
 */

namespace FacturaScripts\Plugins\MoodleManagement\Lib;

use FacturaScripts\Core\Base\DataBase;
use FacturaScripts\Core\Base\MiniLog;
use FacturaScripts\Core\Tools;
use Throwable;

require_once __DIR__ . '/../mm_webhook.php';

/**
 * One signed `invoice.hint` ("read invoice {idfactura} now") per changed invoice and request.
 *
 * The model extensions call invoiceChanged() as rows are written; the hints leave at the end
 * of the request (a shutdown function), for two reasons:
 *
 * - the writes are often inside a transaction (the invoice editor, api/3 document calls):
 *   MoodleManagement reads the invoice through the API on another connection, so a hint sent
 *   before the commit would read the old invoice;
 * - one payment writes the invoice's receipts one by one: collecting ids sends one hint, not
 *   one per row.
 *
 * Under PHP-FPM, Kernel::run has already sent the response (fastcgi_finish_request); under
 * mod_php or `php -S` the browser waits for the end of the request. Either way a service
 * that refuses connections costs nothing noticeable, and a hung one at most one `timeout`
 * per request: the first failure stops the request's remaining hints. A failure is logged
 * and dropped, never retried: polling stays the safety net.
 *
 * Not `final`: FacturaScripts deploys every Lib class as a Dinamic\Lib subclass of it.
 */
class InvoiceHints
{
    /** Seconds per delivery (connect and answer), when the setting is empty or invalid. */
    const DEFAULT_TIMEOUT = 2.0;

    /** Upper bound of the timeout setting, seconds. */
    const MAX_TIMEOUT = 10.0;

    /** @var array<string, string> invoice id => the first change seen, in the order seen */
    private static $pending = [];

    /** @var bool */
    private static $flushRegistered = false;

    /**
     * Notes that invoice $invoiceId changed; $change (e.g. "ReciboCliente.save") is only
     * informational. Reads the settings now, while the database is open: at shutdown it is
     * closed.
     *
     * @param mixed $invoiceId
     */
    public static function invoiceChanged($invoiceId, string $change): void
    {
        $id = (string) $invoiceId;
        if ($id === '' || isset(self::$pending[$id]) || null === self::target()) {
            return;
        }

        self::$pending[$id] = $change;
        if (!self::$flushRegistered) {
            self::$flushRegistered = true;
            register_shutdown_function([self::class, 'flush']);
        }
    }

    /**
     * Sends the pending hints. Runs as a shutdown function; callable directly (tests).
     *
     * @return int how many hints MoodleManagement accepted (2xx)
     */
    public static function flush(): int
    {
        $pending = self::$pending;
        self::$pending = [];
        $target = self::target();
        if (empty($pending) || null === $target) {
            return 0;
        }

        $accepted = 0;
        foreach ($pending as $invoiceId => $change) {
            $failure = self::send($target, (string) $invoiceId, $change);
            if (null === $failure) {
                $accepted++;
                continue;
            }
            // stop at the first failure: a hung service would otherwise cost one timeout per
            // invoice of a bulk action, and the next poll sees every change anyway
            $left = count($pending) - $accepted - 1;
            self::log($left > 0 ? $failure . ' ' . $left . ' more hint(s) of this request not sent.' : $failure);
            break;
        }

        return $accepted;
    }

    /**
     * @param array{url: string, source: string, secret: string, timeout: float} $target
     *
     * @return string|null why it failed, null when accepted
     */
    private static function send(array $target, string $invoiceId, string $change): ?string
    {
        try {
            $request = mm_hint_request(
                $target['url'],
                $target['source'],
                $target['secret'],
                $invoiceId,
                $change,
                time(),
                'msg_' . bin2hex(random_bytes(12))
            );
            $status = mm_post($request, $target['timeout']);
        } catch (Throwable $th) {
            // the message never contains the secret (see mm_sign)
            return 'MoodleManagement hint not sent for invoice ' . $invoiceId . ': ' . $th->getMessage();
        }

        if ($status >= 200 && $status < 300) {
            return null;
        }
        return 'MoodleManagement hint for invoice ' . $invoiceId . ' answered HTTP ' . $status
            . ' (0 = unreachable or timed out); the next poll will pick the change up.';
    }

    /**
     * Where hints go, or null while the plugin is not configured (then it does nothing:
     * polling covers every change).
     *
     * @return array{url: string, source: string, secret: string, timeout: float}|null
     */
    private static function target(): ?array
    {
        static $target = false;
        if (false !== $target) {
            return $target;
        }

        $url = (string) self::setting('service_url', '');
        $secret = (string) self::setting('secret', '');
        if ($url === '' || $secret === '') {
            // not cached: the admin may save the settings later in this request
            return null;
        }

        $timeout = (float) self::setting('timeout', self::DEFAULT_TIMEOUT);
        $target = [
            'url' => $url,
            'source' => (string) self::setting('source', 'facturascripts'),
            'secret' => $secret,
            'timeout' => $timeout > 0 ? min($timeout, self::MAX_TIMEOUT) : self::DEFAULT_TIMEOUT,
        ];
        return $target;
    }

    /**
     * A constant in config.php (e.g. MM_WEBHOOK_SECRET) wins over the admin setting, so the
     * secret can be kept out of the database and the settings screen.
     *
     * @param mixed $default
     *
     * @return mixed
     */
    private static function setting(string $key, $default)
    {
        $constant = Tools::config('mm_webhook_' . $key);
        if ($constant !== null && $constant !== '') {
            return $constant;
        }
        $value = Tools::settings('moodlemanagement', $key, $default);
        return ($value === null || $value === '') ? $default : $value;
    }

    /**
     * Logs a failure on the `moodlemanagement` channel. At shutdown FacturaScripts has already
     * saved its log and closed the database, so this saves the channel itself.
     */
    private static function log(string $failure): void
    {
        try {
            Tools::log('moodlemanagement')->warning($failure);
            $db = new DataBase();
            if ($db->connect()) {
                MiniLog::save('moodlemanagement');
                $db->close();
            }
        } catch (Throwable $th) {
            error_log($failure);
        }
    }
}
