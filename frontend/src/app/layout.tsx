import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { SignOutButton, TokenNeeded, TokenPrompt } from '@/components/token-prompt';
import { UploadIndicator, useImportCompleted } from '@/features/imports';
import { productKeys } from '@/features/products';

const links = [
  { to: '/', label: 'Import', end: true },
  { to: '/products', label: 'Products', end: false },
  { to: '/webhooks', label: 'Webhooks', end: false },
];

export function AppLayout() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const queryClient = useQueryClient();

  // The products lists on screen or in the cache are out of date once an import has completed.
  useImportCompleted(() => void queryClient.invalidateQueries({ queryKey: productKeys.all }));

  useEffect(() => {
    // After client-side navigation, move focus to the new page so screen readers announce it.
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [pathname]);

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only rounded bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="flex items-center gap-2 text-base font-semibold text-slate-900">
            <img src="/favicon.svg" alt="" className="size-6" />
            Product Importer
          </p>
          <nav aria-label="Main" className="flex flex-wrap items-center gap-2">
            {pathname !== '/' && <UploadIndicator />}
            <ul className="flex gap-1">
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink
                    to={link.to}
                    end={link.end}
                    className={({ isActive }) =>
                      `block rounded-md px-3 py-1.5 text-sm font-medium ${
                        isActive ? 'bg-indigo-50 text-indigo-800' : 'text-slate-700 hover:bg-slate-100'
                      }`
                    }
                  >
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
            <SignOutButton />
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 focus:outline-none">
        <TokenNeeded />
        <Outlet />
      </main>
      <TokenPrompt />
    </div>
  );
}
