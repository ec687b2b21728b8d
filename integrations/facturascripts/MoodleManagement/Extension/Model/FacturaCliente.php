<?php
/**
 * MoodleManagement companion plugin for FacturaScripts.
 */

namespace FacturaScripts\Plugins\MoodleManagement\Extension\Model;

use Closure;
use FacturaScripts\Plugins\MoodleManagement\Lib\InvoiceHints;

/**
 * Notes a customer invoice (or credit note) for a hint after it is saved, updated or deleted.
 *
 * Every method of an extension must return a Closure (Core/Template/ExtensionsTrait.php::
 * addExtension calls each one, private ones included), which runs bound to the model after
 * the change: ModelClass::save/update/delete call pipeFalse('save'|'update'|'delete') last.
 * Returning null lets the other extensions and the caller go on.
 */
class FacturaCliente
{
    public function save(): Closure
    {
        return function () {
            InvoiceHints::invoiceChanged($this->idfactura, 'FacturaCliente.save');
        };
    }

    public function update(): Closure
    {
        return function () {
            InvoiceHints::invoiceChanged($this->idfactura, 'FacturaCliente.update');
        };
    }

    public function delete(): Closure
    {
        return function () {
            InvoiceHints::invoiceChanged($this->idfactura, 'FacturaCliente.delete');
        };
    }
}
