import { Link } from 'react-router-dom';
import { PageHeader } from './page-header';

export function NotFoundRoute() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p className="text-sm text-slate-700">
        There is nothing here.{' '}
        <Link to="/" className="font-medium text-indigo-700 underline">
          Go to the import page
        </Link>
        .
      </p>
    </>
  );
}
