<?php
/**
 * MoodleManagement companion plugin for FacturaScripts.
 */

namespace FacturaScripts\Plugins\MoodleManagement;

use FacturaScripts\Core\Template\InitClass;

/**
 * Hooks the models whose saves change what MoodleManagement reads of an invoice:
 *
 * - FacturaCliente (credit notes are FacturaCliente rows too): save, update and delete;
 * - ReciboCliente: paying or deleting a receipt flips its invoice's `pagada` by direct SQL
 *   (Lib/ReceiptGenerator.php::update), so the invoice model itself is not saved.
 *
 * Model extensions run inside the request, unlike work-queue workers: FacturaScripts runs one
 * queued work event per HTTP request (WorkQueue::run), behind the accounting events invoices
 * queue first, so a worker's hint could wait until some later request. The extensions only
 * note the invoice id; Lib/InvoiceHints sends one hint per invoice at the end of the request.
 */
class Init extends InitClass
{
    public function init(): void
    {
        $this->loadExtension(new Extension\Model\FacturaCliente());
        $this->loadExtension(new Extension\Model\ReciboCliente());
    }

    public function uninstall(): void
    {
    }

    public function update(): void
    {
    }
}
