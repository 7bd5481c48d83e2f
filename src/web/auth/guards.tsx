import { Center, Loader } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useSession } from '../api/hooks';
import { NoWorkspacePage } from './NoWorkspacePage';

function FullPageLoader() {
  return (
    <Center h="100dvh">
      <Loader />
    </Center>
  );
}

/** Signed-in screens: unauthenticated users land on sign-in. */
export function RequireAuth() {
  const { data: session, isPending } = useSession();
  const location = useLocation();
  if (isPending) return <FullPageLoader />;
  if (!session)
    return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  if (!session.workspace) return <NoWorkspacePage />;
  return <Outlet />;
}

/** Sign-in and sign-up: signed-in users go straight to the app. */
export function PublicOnly() {
  const { data: session, isPending } = useSession();
  if (isPending) return <FullPageLoader />;
  if (session) return <Navigate to="/leads" replace />;
  return <Outlet />;
}
