import { Anchor } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { CreateWorkspaceForm } from '../layout/CreateWorkspaceModal';
import { AuthLayout } from './AuthLayout';

/** A signed-in user who belongs to no workspace (e.g. removed from their last one). */
export function NoWorkspacePage() {
  const qc = useQueryClient();
  const signOut = async () => {
    await api.post('/auth/logout').catch(() => {});
    qc.clear();
    qc.setQueryData(['session'], null);
  };
  return (
    <AuthLayout
      title="Create a workspace"
      subtitle="You are not a member of any workspace yet. Create one to start."
      footer={
        <Anchor component="button" onClick={signOut}>
          Sign out
        </Anchor>
      }
    >
      <CreateWorkspaceForm />
    </AuthLayout>
  );
}
