<?php
/**
 * MoodleManagement companion plugin for FacturaScripts.
 */

namespace FacturaScripts\Plugins\MoodleManagement\Extension\Model;

use Closure;
use FacturaScripts\Plugins\MoodleManagement\Lib\InvoiceHints;

/**
 * Notes a receipt's invoice for a hint after the receipt is saved or deleted: that is how an
 * invoice gets paid or unpaid (the receipt's save updates the invoice's `pagada` by SQL before
 * the 'save' pipe runs), and the invoice model is not saved then. Paying an invoice of three
 * receipts saves three receipts: InvoiceHints still sends one hint.
 */
class ReciboCliente
{
    public function save(): Closure
    {
        return function () {
            InvoiceHints::invoiceChanged($this->idfactura, 'ReciboCliente.save');
        };
    }

    public function delete(): Closure
    {
        return function () {
            InvoiceHints::invoiceChanged($this->idfactura, 'ReciboCliente.delete');
        };
    }
}
