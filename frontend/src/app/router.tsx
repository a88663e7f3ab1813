import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { AppLayout } from './layout';
import { ImportRoute } from './routes/import';
import { NotFoundRoute } from './routes/not-found';
import { ProductsRoute } from './routes/products';
import { RedirectHome } from './routes/redirect-home';
import { WebhooksRoute } from './routes/webhooks';

export const routes = [
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <ImportRoute /> },
      { path: 'import', element: <RedirectHome /> },
      { path: 'imports', element: <RedirectHome /> },
      { path: 'products', element: <ProductsRoute /> },
      { path: 'webhooks', element: <WebhooksRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

const router = createBrowserRouter(routes);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
