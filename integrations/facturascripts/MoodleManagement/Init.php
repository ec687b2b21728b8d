<?php
/**
 * MoodleManagement companion plugin for FacturaScripts.
 */

namespace FacturaScripts\Plugins\MoodleManagement;

use FacturaScripts\Core\Template\InitClass;
use FacturaScripts\Core\WorkQueue;

/**
 * Registers one worker for the customer-invoice events. FacturaScripts only stores a work
 * event when a worker listens for it (Core/WorkQueue.php::send), so without this plugin
 * invoice changes leave no trace MoodleManagement could react to.
 *
 * Insert/Update/Delete come from the model itself; Paid comes from
 * Lib/ReceiptGenerator.php, which flips `pagada` by direct SQL, so neither Update nor the
 * audit log sees it. `Save` is not listened to: it always accompanies Insert or Update and
 * would only double the hints.
 */
class Init extends InitClass
{
    public function init(): void
    {
        foreach (['Insert', 'Update', 'Delete', 'Paid'] as $event) {
            WorkQueue::addWorker('MoodleManagementHint', 'Model.FacturaCliente.' . $event);
        }
    }

    public function uninstall(): void
    {
    }

    public function update(): void
    {
    }
}
