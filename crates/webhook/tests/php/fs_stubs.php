<?php
/**
 * The few FacturaScripts classes the companion plugin touches, reduced to what it relies on,
 * so `php_plugin.rs` can run the plugin's real files with plain `php`. Each stub follows the
 * FacturaScripts 2026.65 source it names; keep them in step when the plugin uses more.
 *
 * Settings come from the MM_STUB_SETTINGS environment variable (JSON, group => key => value);
 * log lines go to standard error as "LOG <channel> <level>: <message>".
 */

namespace FacturaScripts\Core {

    use FacturaScripts\Core\Base\MiniLog;

    class Tools
    {
        /** As Core/Tools.php::config: the constant $key, KEY or FS_KEY. */
        public static function config(string $key, $default = null)
        {
            foreach ([$key, strtoupper($key), 'FS_' . strtoupper($key)] as $constant) {
                if (defined($constant)) {
                    return constant($constant);
                }
            }
            return $default;
        }

        public static function settings(string $group, string $key, $default = null)
        {
            $all = json_decode((string) getenv('MM_STUB_SETTINGS'), true) ?: [];
            return $all[$group][$key] ?? $default;
        }

        public static function log(string $channel = ''): MiniLog
        {
            return new MiniLog($channel);
        }
    }
}

namespace FacturaScripts\Core\Base {

    class MiniLog
    {
        /** @var string */
        private $channel;

        public function __construct(string $channel = '')
        {
            $this->channel = $channel;
        }

        public function warning(string $message, array $context = []): void
        {
            fwrite(STDERR, 'LOG ' . $this->channel . ' warning: ' . $message . "\n");
        }

        public static function save(string $channel = ''): bool
        {
            fwrite(STDERR, 'LOG-SAVED ' . $channel . "\n");
            return true;
        }
    }

    class DataBase
    {
        public function connect(): bool
        {
            return true;
        }

        public function close(): bool
        {
            return true;
        }
    }
}

namespace FacturaScripts\Core\Template {

    use BadMethodCallException;
    use Closure;
    use ReflectionClass;
    use ReflectionMethod;

    /** As Core/Template/ExtensionsTrait.php: addExtension and pipeFalse. */
    trait ExtensionsTrait
    {
        protected static $extensions = [];

        public static function addExtension($extension, int $priority = 100): void
        {
            // the real one calls EVERY method (private ones too) and refuses a non-Closure
            $methods = (new ReflectionClass($extension))->getMethods(
                ReflectionMethod::IS_PUBLIC | ReflectionMethod::IS_PROTECTED | ReflectionMethod::IS_PRIVATE
            );
            foreach ($methods as $method) {
                if (strpos($method->name, '__') === 0) {
                    continue;
                }
                $result = $method->invoke($extension);
                if (!$result instanceof Closure) {
                    throw new BadMethodCallException('Method ' . $method->name . ' in extension ' . get_class($extension) . ' must return a Closure.');
                }
                self::$extensions[] = ['name' => $method->name, 'function' => $result];
            }
        }

        public function pipeFalse($name, ...$arguments): bool
        {
            foreach (self::$extensions as $ext) {
                if ($ext['name'] !== $name) {
                    continue;
                }
                $return = call_user_func_array($ext['function']->bindTo($this, static::class), $arguments);
                if ($return === false) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * As Core/Template/ModelClass.php: save(), update() and delete() write, then call
     * pipeFalse('save'|'update'|'delete') last.
     */
    abstract class ModelClass
    {
        public function __construct(array $data = [])
        {
            foreach ($data as $key => $value) {
                $this->{$key} = $value;
            }
        }

        public function save(): bool
        {
            return $this->pipeFalse('save');
        }

        public function update(array $values): bool
        {
            foreach ($values as $key => $value) {
                $this->{$key} = $value;
            }
            return $this->pipeFalse('update');
        }

        public function delete(): bool
        {
            return $this->pipeFalse('delete');
        }
    }

    /** As Core/Template/InitClass.php::loadExtension for a plain model extension. */
    abstract class InitClass
    {
        abstract public function init(): void;

        abstract public function uninstall(): void;

        abstract public function update(): void;

        protected function loadExtension($extension): bool
        {
            $namespace = get_class($extension);
            $findNamespace = substr(static::class, 0, -5) . '\\Extension\\';
            if (strpos($namespace, $findNamespace) !== 0) {
                throw new \RuntimeException('Target object not found for: ' . $namespace);
            }
            $targetClass = '\\FacturaScripts\\Dinamic\\' . substr($namespace, strlen($findNamespace));
            if (!class_exists($targetClass)) {
                throw new \RuntimeException('no stub for ' . $targetClass);
            }
            $targetClass::addExtension($extension);
            return true;
        }
    }
}

namespace FacturaScripts\Dinamic\Model {

    use FacturaScripts\Core\Template\ExtensionsTrait;
    use FacturaScripts\Core\Template\ModelClass;

    class FacturaCliente extends ModelClass
    {
        use ExtensionsTrait;

        public $idfactura;
        public $pagada = false;
    }

    /** A receipt's save() flips its invoice's `pagada` by SQL, then runs the 'save' pipe. */
    class ReciboCliente extends ModelClass
    {
        use ExtensionsTrait;

        public $idrecibo;
        public $idfactura;
        public $pagado = false;
    }
}

namespace {
    // the plugin's own classes, as FacturaScripts' composer autoloader finds them
    spl_autoload_register(function (string $class) {
        $prefix = 'FacturaScripts\\Plugins\\MoodleManagement\\';
        if (strpos($class, $prefix) !== 0) {
            return;
        }
        $file = getenv('MM_PLUGIN_DIR') . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    });
}
