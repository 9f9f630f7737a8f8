// Typed factories for the Kubernetes kinds the models build: `new Deployment({ metadata, spec })`
// reads as with the kubernetes-models classes and is checked by tsc against the same interfaces
// (`IDeployment`…), but returns the plain object `{ apiVersion, kind, ...data }` the pipeline
// renders. Why not the classes: each constructor deep-copies its input to drop `undefined` keys
// and `toJSON()` copies it again, on every object of every environment, while nothing uses the
// instances — validation looks its schema up by apiVersion/kind (render/validate/schema-registry.ts),
// and the YAML writer and JSON.stringify already skip `undefined` keys. Only types are imported
// from kubernetes-models here, so rendering no longer loads its class modules.
// Hand-typed custom resources (MetalLB, Velero) keep their Model classes: platform/custom-resource.ts.
import type { IAPIService } from 'kubernetes-models/apiregistration.k8s.io/v1/APIService';
import type { IValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IIngressClass } from 'kubernetes-models/networking.k8s.io/v1/IngressClass';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IStorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ILimitRange } from 'kubernetes-models/v1/LimitRange';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { IApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import type { ISealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret';
import type { IIngressRoute } from '@kubernetes-models/traefik/traefik.io/v1alpha1/IngressRoute';
import type { IMiddleware } from '@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware';

interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/** What `new X(data)` takes: the object without its apiVersion and kind (as kubernetes-models' ModelData). */
export type KindData<T extends TypeMeta> = Omit<T, 'apiVersion' | 'kind'>;

/** A factory called like a kubernetes-models class; it returns the plain typed object. */
export interface Kind<T extends TypeMeta> {
  new (data: KindData<T>): T;
}

/** The factory of one kind. Key order `apiVersion, kind, ...data` is the one the classes produced. */
export function kind<T extends TypeMeta>(apiVersion: T['apiVersion'], kindName: T['kind']): Kind<T> {
  // A plain function returning an object: `new` yields that object, so call sites keep `new X(…)`.
  function create(data: KindData<T>): T {
    return { apiVersion, kind: kindName, ...data } as T;
  }
  // `x instanceof Deployment` asks "is x a Deployment?", as it did of the classes (tests pick objects so).
  Object.defineProperty(create, 'name', { value: kindName });
  Object.defineProperty(create, Symbol.hasInstance, {
    value: (o: unknown) => typeof o === 'object' && o !== null && (o as TypeMeta).apiVersion === apiVersion && (o as TypeMeta).kind === kindName,
  });
  return create as unknown as Kind<T>;
}

// Each name is both the factory and the type of what it builds, as a class declaration would be.
export const APIService = kind<IAPIService>('apiregistration.k8s.io/v1', 'APIService');
export type APIService = IAPIService;
export const ValidatingWebhookConfiguration = kind<IValidatingWebhookConfiguration>('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration');
export type ValidatingWebhookConfiguration = IValidatingWebhookConfiguration;
export const DaemonSet = kind<IDaemonSet>('apps/v1', 'DaemonSet');
export type DaemonSet = IDaemonSet;
export const Deployment = kind<IDeployment>('apps/v1', 'Deployment');
export type Deployment = IDeployment;
export const StatefulSet = kind<IStatefulSet>('apps/v1', 'StatefulSet');
export type StatefulSet = IStatefulSet;
export const HorizontalPodAutoscaler = kind<IHorizontalPodAutoscaler>('autoscaling/v2', 'HorizontalPodAutoscaler');
export type HorizontalPodAutoscaler = IHorizontalPodAutoscaler;
export const CronJob = kind<ICronJob>('batch/v1', 'CronJob');
export type CronJob = ICronJob;
export const Job = kind<IJob>('batch/v1', 'Job');
export type Job = IJob;
export const Ingress = kind<IIngress>('networking.k8s.io/v1', 'Ingress');
export type Ingress = IIngress;
export const IngressClass = kind<IIngressClass>('networking.k8s.io/v1', 'IngressClass');
export type IngressClass = IIngressClass;
export const NetworkPolicy = kind<INetworkPolicy>('networking.k8s.io/v1', 'NetworkPolicy');
export type NetworkPolicy = INetworkPolicy;
export const PodDisruptionBudget = kind<IPodDisruptionBudget>('policy/v1', 'PodDisruptionBudget');
export type PodDisruptionBudget = IPodDisruptionBudget;
export const ClusterRole = kind<IClusterRole>('rbac.authorization.k8s.io/v1', 'ClusterRole');
export type ClusterRole = IClusterRole;
export const ClusterRoleBinding = kind<IClusterRoleBinding>('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding');
export type ClusterRoleBinding = IClusterRoleBinding;
export const Role = kind<IRole>('rbac.authorization.k8s.io/v1', 'Role');
export type Role = IRole;
export const RoleBinding = kind<IRoleBinding>('rbac.authorization.k8s.io/v1', 'RoleBinding');
export type RoleBinding = IRoleBinding;
export const StorageClass = kind<IStorageClass>('storage.k8s.io/v1', 'StorageClass');
export type StorageClass = IStorageClass;
export const ConfigMap = kind<IConfigMap>('v1', 'ConfigMap');
export type ConfigMap = IConfigMap;
export const LimitRange = kind<ILimitRange>('v1', 'LimitRange');
export type LimitRange = ILimitRange;
export const Namespace = kind<INamespace>('v1', 'Namespace');
export type Namespace = INamespace;
export const PersistentVolumeClaim = kind<IPersistentVolumeClaim>('v1', 'PersistentVolumeClaim');
export type PersistentVolumeClaim = IPersistentVolumeClaim;
export const ResourceQuota = kind<IResourceQuota>('v1', 'ResourceQuota');
export type ResourceQuota = IResourceQuota;
export const Secret = kind<ISecret>('v1', 'Secret');
export type Secret = ISecret;
export const Service = kind<IService>('v1', 'Service');
export type Service = IService;
export const ServiceAccount = kind<IServiceAccount>('v1', 'ServiceAccount');
export type ServiceAccount = IServiceAccount;
export const Application = kind<IApplication>('argoproj.io/v1alpha1', 'Application');
export type Application = IApplication;
export const ApplicationSet = kind<IApplicationSet>('argoproj.io/v1alpha1', 'ApplicationSet');
export type ApplicationSet = IApplicationSet;
export const AppProject = kind<IAppProject>('argoproj.io/v1alpha1', 'AppProject');
export type AppProject = IAppProject;
export const PodMonitor = kind<IPodMonitor>('monitoring.coreos.com/v1', 'PodMonitor');
export type PodMonitor = IPodMonitor;
export const PrometheusRule = kind<IPrometheusRule>('monitoring.coreos.com/v1', 'PrometheusRule');
export type PrometheusRule = IPrometheusRule;
export const ServiceMonitor = kind<IServiceMonitor>('monitoring.coreos.com/v1', 'ServiceMonitor');
export type ServiceMonitor = IServiceMonitor;
export const AlertmanagerConfig = kind<IAlertmanagerConfig>('monitoring.coreos.com/v1alpha1', 'AlertmanagerConfig');
export type AlertmanagerConfig = IAlertmanagerConfig;
export const SealedSecret = kind<ISealedSecret>('bitnami.com/v1alpha1', 'SealedSecret');
export type SealedSecret = ISealedSecret;
export const IngressRoute = kind<IIngressRoute>('traefik.io/v1alpha1', 'IngressRoute');
export type IngressRoute = IIngressRoute;
export const Middleware = kind<IMiddleware>('traefik.io/v1alpha1', 'Middleware');
export type Middleware = IMiddleware;
