// A test double of the SageMaker control plane for the training workflow run in a local Step Functions
// interpreter: each of the workflow's SageMaker tasks is answered by the method of the same API call,
// over models, endpoint configs and endpoints kept in memory, with the service's rules as its API
// reference and DescribeEndpoint give them: names are unique; an endpoint goes Creating / Updating /
// Deleting and settles after a few looks; "DeleteEndpoint is the only operation that can be performed
// on a failed endpoint"; a failed update leaves the endpoint InService on its previous config with a
// FailureReason; a config in use by an endpoint is not deleted. Errors are thrown the way Step Functions
// names an SDK integration's errors (ServiceName.ErrorName, supported-services-awssdk.html).

type EndpointStatus = 'Creating' | 'Updating' | 'Deleting' | 'InService' | 'Failed' | 'OutOfService' | 'UpdateRollbackFailed';

interface Endpoint {
  status: EndpointStatus;
  configName: string;
  failureReason?: string;
  /** where a transitional state goes, and after how many more DescribeEndpoint calls */
  next?: { status: EndpointStatus | 'gone'; configName: string; failureReason?: string; after: number };
}

/** What the next CreateEndpoint / UpdateEndpoint / training job does. */
export interface Script {
  training: 'Completed' | { failureReason: string };
  create: 'InService' | { failureReason: string };
  update: 'InService' | { failureReason: string };
}

export class SageMakerError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = `SageMaker.${code}`;
  }
}

export class SageMakerDouble {
  readonly models = new Map<string, { image: string; modelDataUrl: string }>();
  readonly configs = new Map<string, { variants: Record<string, unknown>[] }>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly trainingJobs: string[] = [];
  /** every call, as "Action name" */
  readonly calls: string[] = [];
  /** each training job's hyperparameters, as the workflow passed them */
  readonly hyperParameters: Record<string, string>[] = [];
  script: Script = { training: 'Completed', create: 'InService', update: 'InService' };
  /** DescribeEndpoint calls a transition takes */
  settleAfter = 2;

  createTrainingJob(p: { TrainingJobName: string; HyperParameters?: Record<string, string>; ResourceConfig: Record<string, unknown>; OutputDataConfig: Record<string, unknown> }) {
    this.calls.push(`CreateTrainingJob ${p.TrainingJobName}`);
    this.trainingJobs.push(p.TrainingJobName);
    this.hyperParameters.push(p.HyperParameters ?? {});
    const description = { TrainingJobName: p.TrainingJobName, ResourceConfig: p.ResourceConfig, OutputDataConfig: p.OutputDataConfig };
    if (this.script.training !== 'Completed') {
      // a .sync job that ends Failed fails the task with States.TaskFailed and the job's description as the cause
      throw Object.assign(new Error(JSON.stringify({ ...description, TrainingJobStatus: 'Failed', FailureReason: this.script.training.failureReason })), { name: 'States.TaskFailed' });
    }
    return {
      ...description,
      TrainingJobStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: `s3://bucket/training/${p.TrainingJobName}/output/model.tar.gz` },
      FinalMetricDataList: [{ MetricName: 'validation:multiclass_accuracy', Value: 0.9 }],
    };
  }

  createModel(p: { ModelName: string; PrimaryContainer: { Image: string; ModelDataUrl: string } }) {
    this.calls.push(`CreateModel ${p.ModelName}`);
    if (this.models.has(p.ModelName)) throw new SageMakerError('SageMakerException', `Cannot create already existing model "${p.ModelName}".`);
    this.models.set(p.ModelName, { image: p.PrimaryContainer.Image, modelDataUrl: p.PrimaryContainer.ModelDataUrl });
    return { ModelArn: `arn:aws:sagemaker:eu-west-1:123456789012:model/${p.ModelName}` };
  }

  createEndpointConfig(p: { EndpointConfigName: string; ProductionVariants: Record<string, unknown>[] }) {
    this.calls.push(`CreateEndpointConfig ${p.EndpointConfigName}`);
    if (this.configs.has(p.EndpointConfigName)) throw new SageMakerError('SageMakerException', `Cannot create already existing endpoint configuration "${p.EndpointConfigName}".`);
    for (const v of p.ProductionVariants) if (!this.models.has(String(v.ModelName))) throw new SageMakerError('SageMakerException', `Could not find model "${String(v.ModelName)}".`);
    this.configs.set(p.EndpointConfigName, { variants: p.ProductionVariants });
    return {};
  }

  describeEndpointConfig(p: { EndpointConfigName: string }) {
    this.calls.push(`DescribeEndpointConfig ${p.EndpointConfigName}`);
    const config = this.configs.get(p.EndpointConfigName);
    if (!config) throw new SageMakerError('SageMakerException', `Could not find endpoint configuration "${p.EndpointConfigName}".`);
    return { EndpointConfigName: p.EndpointConfigName, ProductionVariants: config.variants };
  }

  describeEndpoint(p: { EndpointName: string }) {
    this.calls.push(`DescribeEndpoint ${p.EndpointName}`);
    const e = this.endpoints.get(p.EndpointName);
    if (!e) throw new SageMakerError('SageMakerException', `Could not find endpoint "${p.EndpointName}".`);
    if (e.next && --e.next.after <= 0) {
      const next = e.next;
      if (next.status === 'gone') {
        this.endpoints.delete(p.EndpointName);
        throw new SageMakerError('SageMakerException', `Could not find endpoint "${p.EndpointName}".`);
      }
      Object.assign(e, { status: next.status, configName: next.configName, failureReason: next.failureReason, next: undefined });
    }
    return {
      EndpointName: p.EndpointName,
      EndpointStatus: e.status,
      EndpointConfigName: e.configName,
      ...(e.failureReason ? { FailureReason: e.failureReason } : {}),
    };
  }

  createEndpoint(p: { EndpointName: string; EndpointConfigName: string }) {
    this.calls.push(`CreateEndpoint ${p.EndpointName}`);
    if (this.endpoints.has(p.EndpointName)) throw new SageMakerError('SageMakerException', `Cannot create already existing endpoint "${p.EndpointName}".`);
    this.needConfig(p.EndpointConfigName);
    const outcome = this.script.create;
    this.endpoints.set(p.EndpointName, {
      status: 'Creating',
      configName: p.EndpointConfigName,
      next: outcome === 'InService' ? { status: 'InService', configName: p.EndpointConfigName, after: this.settleAfter } : { status: 'Failed', configName: p.EndpointConfigName, failureReason: outcome.failureReason, after: this.settleAfter },
    });
    return { EndpointArn: `arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${p.EndpointName}` };
  }

  updateEndpoint(p: { EndpointName: string; EndpointConfigName: string }) {
    this.calls.push(`UpdateEndpoint ${p.EndpointName}`);
    const e = this.endpoints.get(p.EndpointName);
    if (!e) throw new SageMakerError('SageMakerException', `Could not find endpoint "${p.EndpointName}".`);
    if (e.status === 'Failed') throw new SageMakerError('SageMakerException', `Cannot update endpoint "${p.EndpointName}" in status Failed: DeleteEndpoint is the only operation that can be performed on a failed endpoint.`);
    if (e.status !== 'InService') throw new SageMakerError('SageMakerException', `Cannot update in-progress endpoint "${p.EndpointName}".`);
    this.needConfig(p.EndpointConfigName);
    const outcome = this.script.update;
    e.status = 'Updating';
    e.next =
      outcome === 'InService'
        ? { status: 'InService', configName: p.EndpointConfigName, after: this.settleAfter }
        : // the update failed: the endpoint keeps serving its previous config, and says why
          { status: 'InService', configName: e.configName, failureReason: outcome.failureReason, after: this.settleAfter };
    return { EndpointArn: `arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${p.EndpointName}` };
  }

  deleteEndpoint(p: { EndpointName: string }) {
    this.calls.push(`DeleteEndpoint ${p.EndpointName}`);
    const e = this.endpoints.get(p.EndpointName);
    if (!e) throw new SageMakerError('SageMakerException', `Could not find endpoint "${p.EndpointName}".`);
    Object.assign(e, { status: 'Deleting', next: { status: 'gone', configName: e.configName, after: this.settleAfter } });
    return {};
  }

  deleteEndpointConfig(p: { EndpointConfigName: string }) {
    this.calls.push(`DeleteEndpointConfig ${p.EndpointConfigName}`);
    if ([...this.endpoints.values()].some((e) => e.configName === p.EndpointConfigName || e.next?.configName === p.EndpointConfigName)) {
      throw new SageMakerError('SageMakerException', `Cannot delete endpoint configuration "${p.EndpointConfigName}": an endpoint uses it.`);
    }
    if (!this.configs.delete(p.EndpointConfigName)) throw new SageMakerError('SageMakerException', `Could not find endpoint configuration "${p.EndpointConfigName}".`);
    return {};
  }

  deleteModel(p: { ModelName: string }) {
    this.calls.push(`DeleteModel ${p.ModelName}`);
    if (!this.models.delete(p.ModelName)) throw new SageMakerError('SageMakerException', `Could not find model "${p.ModelName}".`);
    return {};
  }

  /** An endpoint as a previous run left it. */
  seedEndpoint(name: string, status: EndpointStatus, config: { configName: string; modelName: string; failureReason?: string }) {
    this.models.set(config.modelName, { image: 'image', modelDataUrl: 's3://old/model.tar.gz' });
    this.configs.set(config.configName, { variants: [{ VariantName: 'AllTraffic', ModelName: config.modelName }] });
    this.endpoints.set(name, { status, configName: config.configName, failureReason: config.failureReason });
  }

  private needConfig(name: string) {
    if (!this.configs.has(name)) throw new SageMakerError('SageMakerException', `Could not find endpoint configuration "${name}".`);
  }
}
