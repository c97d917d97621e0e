import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A component fetched the first time it is shown, not with the first screen: parts most people
 * never see (a vote, the tables' ideas) stay off a weak link until they are needed.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [component, setComponent] = useState<{ C: ComponentType<P> } | null>(loaded ? { C: loaded } : null);
    useEffect(() => {
      if (component) return;
      let live = true;
      void load().then((C) => {
        loaded = C;
        if (live) setComponent({ C });
      });
      return () => {
        live = false;
      };
    }, []);
    if (!component) return null;
    const { C } = component;
    return <C {...props} />;
  };
}
