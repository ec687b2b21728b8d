<?php
/**
 * MoodleManagement companion plugin for FacturaScripts.
 */

namespace FacturaScripts\Plugins\MoodleManagement\Worker;

use FacturaScripts\Core\Model\WorkEvent;
use FacturaScripts\Core\Template\WorkerClass;
use FacturaScripts\Core\Tools;
use Throwable;

require_once __DIR__ . '/../mm_webhook.php';

/**
 * Sends a signed `invoice.hint` ("poll invoice {idfactura} now") to MoodleManagement.
 *
 * A hint only makes MoodleManagement look sooner: it reads the invoice through the API as
 * when polling, and polling keeps running. So a failed hint is logged and dropped, never
 * retried here and never allowed to stop the other workers of this event.
 */
class MoodleManagementHint extends WorkerClass
{
    /** Seconds. Work events may run at the end of a user's request: keep it short. */
    const DEFAULT_TIMEOUT = 2.0;

    public function run(WorkEvent $event): bool
    {
        $serviceUrl = (string) self::setting('service_url');
        $source = (string) self::setting('source', 'facturascripts');
        $secret = (string) self::setting('secret');
        $timeout = (float) self::setting('timeout', self::DEFAULT_TIMEOUT);
        if ($serviceUrl === '' || $secret === '') {
            // not configured yet: nothing to do, polling covers it
            return $this->done();
        }

        $invoiceId = (string) $event->value;
        try {
            $request = mm_hint_request(
                $serviceUrl,
                $source,
                $secret,
                $invoiceId,
                $event->name,
                time(),
                'msg_' . bin2hex(random_bytes(12))
            );
            $status = mm_post($request, $timeout > 0 ? min($timeout, 10.0) : self::DEFAULT_TIMEOUT);
        } catch (Throwable $th) {
            // the message never contains the secret (see mm_sign)
            Tools::log('moodlemanagement')->warning('MoodleManagement hint not sent for invoice ' . $invoiceId . ': ' . $th->getMessage());
            return $this->done();
        }

        if ($status < 200 || $status >= 300) {
            Tools::log('moodlemanagement')->warning(
                'MoodleManagement hint for invoice ' . $invoiceId . ' answered HTTP ' . $status
                . ' (0 = unreachable); the next poll will pick the change up.'
            );
        }

        return $this->done();
    }

    /**
     * A constant in config.php (e.g. MM_WEBHOOK_SECRET) wins over the admin setting, so the
     * secret can be kept out of the database and the settings screen.
     */
    private static function setting(string $key, $default = '')
    {
        $constant = Tools::config('mm_webhook_' . $key);
        if ($constant !== null && $constant !== '') {
            return $constant;
        }
        $value = Tools::settings('moodlemanagement', $key, $default);
        return ($value === null || $value === '') ? $default : $value;
    }
}
